package org.tracegate.operator;

import java.util.List;
import java.util.Locale;

/** Small server-side SVG plots for the dashboard: no script, no network, nothing to vendor. */
final class Plots {
    private Plots() {}

    /**
     * A bar plot of one value per minute, oldest left.
     *
     * @param title the accessible name, also shown on hover
     */
    static String bars(String title, List<Long> values, String color) {
        int w = 240, h = 48;
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(1));
        double bw = (double) w / Math.max(1, values.size());
        StringBuilder sb = new StringBuilder(2048).append("<svg role=\"img\" aria-label=\"").append(title)
                .append("\" width=\"").append(w).append("\" height=\"").append(h + 12)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h + 12).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<title>").append(title).append("</title><rect width=\"100%\" height=\"").append(h)
                .append("\" fill=\"#f6f8fa\"/>");
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            if (v == 0) continue;
            double bh = Math.max(1, (double) v / max * (h - 2));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    i * bw, h - bh, Math.max(1, bw - 0.5), bh, color));
        }
        sb.append("<text x=\"0\" y=\"").append(h + 10).append("\" font-size=\"9\" fill=\"#5c6670\">-60 min</text>")
                .append("<text x=\"").append(w).append("\" y=\"").append(h + 10)
                .append("\" font-size=\"9\" fill=\"#5c6670\" text-anchor=\"end\">now · max ").append(max).append("</text></svg>");
        return sb.toString();
    }
}
