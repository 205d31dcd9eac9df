/*
 * Read-only whole-file mappings. Inputs that cannot be mapped (pipes,
 * process substitution, stdin) are read into the heap instead, so callers
 * never need a second code path:
 *
 *   rt_map { data, len, base_, maplen_ }
 *     mapped:  base_ = mmap address, maplen_ = len     (munmap on close)
 *     heap:    base_ = rt_malloc'd copy, maplen_ = 0   (rt_free on close)
 *     empty:   all NULL / 0
 */
#include "kindred/rt.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_map_open(rt_map *m, const char *path)
{
    memset(m, 0, sizeof *m);
    if (!path)
        return RT_EINVAL;
    if (strcmp(path, "-") != 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return RT_EIO;
        struct stat st;
        if (fstat(fd, &st) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return RT_EIO;
        }
        if (S_ISREG(st.st_mode)) {
            if (st.st_size == 0) {
                close(fd);
                return RT_OK;
            }
            if ((uint64_t)st.st_size > SIZE_MAX) {
                close(fd);
                return RT_ERANGE;
            }
            size_t len = (size_t)st.st_size;
            void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
            int e = errno;
            close(fd);
            if (p == MAP_FAILED) {
                errno = e;
                return e == ENOMEM ? RT_ENOMEM : RT_EIO;
            }
            m->base_ = p;
            m->maplen_ = len;
            m->data = p;
            m->len = len;
            return RT_OK;
        }
        close(fd);
    }
    uint8_t *data;
    size_t len;
    int rc = rt_read_file(path, &data, &len);
    if (rc != 0)
        return rc;
    m->base_ = data;
    m->data = data;
    m->len = len;
    return RT_OK;
}

void rt_map_close(rt_map *m)
{
    if (!m)
        return;
    if (m->maplen_)
        munmap(m->base_, m->maplen_);
    else
        rt_free(m->base_);
    memset(m, 0, sizeof *m);
}
