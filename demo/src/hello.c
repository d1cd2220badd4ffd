/* Working demo program: a compiled CGI program. Built into cgi-bin/hello-c by demo/build.sh. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const char *qs = getenv("QUERY_STRING");

    fputs("Content-Type: text/plain\r\n\r\n", stdout);
    fputs("Hello from C\n", stdout);
    printf("QUERY_STRING=%s\n", qs ? qs : "");
    return 0;
}
