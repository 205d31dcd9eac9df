/* Status codes: one project-wide enum (rt.h) and its messages. */
#include "kindred/rt.h"

const char *rt_strerror(int status)
{
    switch (status) {
    case RT_OK: return "success";
    case RT_ENOMEM: return "out of memory";
    case RT_EIO: return "input/output error";
    case RT_EFORMAT: return "corrupt or truncated input";
    case RT_EINVAL: return "invalid argument";
    case RT_ENOTFOUND: return "not found";
    case RT_ERANGE: return "value out of range";
    case RT_ELIMIT: return "implementation limit reached";
    case RT_EPIPE: return "output closed (broken pipe)";
    case RT_EUNSUPPORTED: return "unsupported feature";
    case RT_ECANCELED: return "canceled";
    case RT_ESYNTAX: return "syntax error";
    case RT_EEXIST: return "already exists";
    case RT_ETHREAD: return "thread error";
    default: return "unknown error";
    }
}
