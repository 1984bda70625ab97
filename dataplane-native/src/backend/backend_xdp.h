/* backend_xdp.h: AF_XDP and the XDP fast path are real only when libxdp/libbpf and clang were present at build
 * time; stubs otherwise. */
#ifndef DP_BACKEND_XDP_H
#define DP_BACKEND_XDP_H

#ifdef DP_HAVE_XDP
extern const struct dp_backend_ops dp_backend_afxdp;
extern const struct dp_backend_ops dp_backend_xdp;
#define DP_BACKEND_AFXDP (&dp_backend_afxdp)
#define DP_BACKEND_XDP (&dp_backend_xdp)
#define DP_BACKEND_AFXDP_STATUS "yes"
#define DP_BACKEND_AFXDP_SHORT "yes"
#else
#define DP_BACKEND_AFXDP ((const struct dp_backend_ops *)0)
#define DP_BACKEND_XDP ((const struct dp_backend_ops *)0)
#define DP_BACKEND_AFXDP_STATUS "no (libxdp/libbpf or clang were absent at build time)"
#define DP_BACKEND_AFXDP_SHORT "no"
#endif

#endif
