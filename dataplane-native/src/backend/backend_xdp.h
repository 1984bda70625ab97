/* backend_xdp.h: AF_XDP and netmap are real only when their build dependencies were present; stubs otherwise. */
#ifndef DP_BACKEND_XDP_H
#define DP_BACKEND_XDP_H

#ifdef DP_HAVE_XDP
extern const struct dp_backend_ops dp_backend_afxdp;
#define DP_BACKEND_AFXDP (&dp_backend_afxdp)
#define DP_BACKEND_AFXDP_STATUS "yes"
#define DP_BACKEND_AFXDP_SHORT "yes"
#else
#define DP_BACKEND_AFXDP ((const struct dp_backend_ops *)0)
#define DP_BACKEND_AFXDP_STATUS "no (libxdp/libbpf were absent at build time)"
#define DP_BACKEND_AFXDP_SHORT "no"
#endif

/* netmap ships no Debian package: the backend is reported absent unless its headers exist at build time, and
 * even then this release carries no netmap implementation (docs/limitations.md). */
#if defined(__has_include)
#if __has_include(<net/netmap_user.h>)
#define DP_BACKEND_NETMAP_STATUS "no (netmap headers found, but this release has no netmap implementation)"
#endif
#endif
#ifndef DP_BACKEND_NETMAP_STATUS
#define DP_BACKEND_NETMAP_STATUS "no (netmap headers absent at build time)"
#endif

#endif
