package org.tracegate.analysis;

import java.util.List;

/**
 * What one rule concluded: a short kind for counting, the cause sentence, what to try, and what the program
 * did in a clause for the headline (null when the status alone is all there is).
 */
record Finding(String kind, String cause, List<String> advice, String did) {}
