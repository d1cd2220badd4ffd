package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5952's rules, with its own examples (§4.2.1–4.2.3, §4.3). */
class AddressesTest {
    @ParameterizedTest
    @CsvSource({
            "0:0:0:0:0:0:0:1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",       // leftmost of two equal runs
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",             // the longest run
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",    // one zero group is not shortened
            "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:1, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
            "fe80:0:0:0:0:0:0:1, fe80::1",
            "1:0:0:0:0:0:0:0, 1::",
            "127.0.0.1, 127.0.0.1",
    })
    void formatsAsRfc5952(String in, String expected) throws Exception {
        assertThat(Addresses.text(InetAddress.getByName(in))).isEqualTo(expected);
    }
}
