/*
 * Fuzz target for the buffered input reader: gzip detection, single and
 * multi-member gzip, BGZF blocks, plain text, CRLF line splitting. The input
 * bytes are presented as a file (an anonymous memory file, so no disk I/O)
 * and read both line by line and in raw chunks: either way the reader must
 * return data or a status, never crash, hang or over-read.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kindred/rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int as_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("rt_in_fuzz", 0);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = as_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    rt_in *r;
    if (rt_in_open(&r, path) == 0) {
        const char *line;
        size_t len, total = 0;
        int eof = 0;
        while (rt_in_getline(r, &line, &len, &eof) == 0 && !eof) {
            /* Touch every byte so ASan checks the line bounds. */
            for (size_t i = 0; i < len; i++)
                total += (uint8_t)line[i];
        }
        (void)total;
        rt_in_close(r);
    }
    if (rt_in_open(&r, path) == 0) {
        uint8_t buf[777];
        size_t got;
        while (rt_in_read(r, buf, sizeof buf, &got) == 0 && got > 0)
            ;
        rt_in_close(r);
    }
    close(fd);
    return 0;
}
