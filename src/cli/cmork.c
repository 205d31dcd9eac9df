/* cmork: placeholder entry point until its engine lands; prints usage. */
#include "kindred/rt.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("cmork %s\n", KINDRED_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: cmork (not built yet in this version)\n");
    return argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) ? 0 : 1;
}
