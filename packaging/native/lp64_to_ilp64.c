/* OpenCV's BLAS and LAPACK calls, forwarded to numpy's OpenBLAS (packaging/native.py).
 *
 * opencv-python-headless links its own OpenBLAS (~40 MB with libgfortran) for a handful of
 * routines; numpy already ships OpenBLAS as scipy-openblas64: the same code, built with
 * 64-bit integers (ILP64) and its symbols renamed (scipy_ prefix, 64_ suffix). OpenCV passes
 * 32-bit integers (LP64), so each wrapper widens the integer arguments, calls the ILP64
 * routine and narrows what comes back (info, pivot indices). Character arguments get the
 * hidden length gfortran's ABI appends (always 1 here: single-letter options).
 *
 * Only what cv2 imports is here; the build checks cv2's imports against this file's exports
 * and keeps OpenCV's own OpenBLAS when a new OpenCV needs something missing.
 * Build with -DCOMPANION_SHIM_COUNTS to count calls (the test checks each wrapper is reached).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef int32_t i32; /* what OpenCV passes */
typedef int64_t i64; /* what scipy-openblas64 takes */

#ifdef COMPANION_SHIM_COUNTS
#include <string.h>
#define COUNTED(name) static long calls_##name;
#define COUNT(name) (calls_##name++)
#else
#define COUNTED(name)
#define COUNT(name) ((void)0)
#endif

/* Failure to allocate the 64-bit copy of an integer array: an "illegal argument" info that
 * no LAPACK routine itself returns, so OpenCV reports a failed decomposition. */
#define SHIM_NO_MEMORY (-1000)

static i64 *widen_alloc(i64 count) {
    return (i64 *)malloc((size_t)(count > 0 ? count : 1) * sizeof(i64));
}

static void narrow(i32 *to, const i64 *from, i64 count) {
    for (i64 k = 0; k < count; k++) to[k] = (i32)from[k];
}

static i64 min64(i64 a, i64 b) { return a < b ? a : b; }

/* ---- CBLAS: enums stay int, integer sizes widen ------------------------------------- */
extern void scipy_cblas_sgemm64_(int, int, int, i64, i64, i64, float, const float *, i64,
                                 const float *, i64, float, float *, i64);
extern void scipy_cblas_dgemm64_(int, int, int, i64, i64, i64, double, const double *, i64,
                                 const double *, i64, double, double *, i64);
extern void scipy_cblas_cgemm64_(int, int, int, i64, i64, i64, const void *, const void *,
                                 i64, const void *, i64, const void *, void *, i64);
extern void scipy_cblas_zgemm64_(int, int, int, i64, i64, i64, const void *, const void *,
                                 i64, const void *, i64, const void *, void *, i64);

COUNTED(cblas_sgemm)
void cblas_sgemm(int order, int ta, int tb, i32 m, i32 n, i32 k, float alpha, const float *a,
                 i32 lda, const float *b, i32 ldb, float beta, float *c, i32 ldc) {
    COUNT(cblas_sgemm);
    scipy_cblas_sgemm64_(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

COUNTED(cblas_dgemm)
void cblas_dgemm(int order, int ta, int tb, i32 m, i32 n, i32 k, double alpha,
                 const double *a, i32 lda, const double *b, i32 ldb, double beta, double *c,
                 i32 ldc) {
    COUNT(cblas_dgemm);
    scipy_cblas_dgemm64_(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

COUNTED(cblas_cgemm)
void cblas_cgemm(int order, int ta, int tb, i32 m, i32 n, i32 k, const void *alpha,
                 const void *a, i32 lda, const void *b, i32 ldb, const void *beta, void *c,
                 i32 ldc) {
    COUNT(cblas_cgemm);
    scipy_cblas_cgemm64_(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

COUNTED(cblas_zgemm)
void cblas_zgemm(int order, int ta, int tb, i32 m, i32 n, i32 k, const void *alpha,
                 const void *a, i32 lda, const void *b, i32 ldb, const void *beta, void *c,
                 i32 ldc) {
    COUNT(cblas_zgemm);
    scipy_cblas_zgemm64_(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* ---- LAPACK (Fortran ABI: everything by pointer) ------------------------------------ */
#define W(x) i64 x##64 = *(x)
#define BACK(x) (*(x) = (i32)x##64)

/* xGESV: solve A X = B by LU; ipiv[n] out */
#define GESV(T, name, target)                                                                 \
    extern void target(const i64 *, const i64 *, T *, const i64 *, i64 *, T *, const i64 *,  \
                       i64 *);                                                                \
    COUNTED(name)                                                                             \
    int name(const i32 *n, const i32 *nrhs, T *a, const i32 *lda, i32 *ipiv, T *b,           \
             const i32 *ldb, i32 *info) {                                                     \
        COUNT(name);                                                                          \
        W(n); W(nrhs); W(lda); W(ldb); i64 info64 = 0;                                        \
        i64 *piv = widen_alloc(n64);                                                          \
        if (!piv) { *info = SHIM_NO_MEMORY; return 0; }                                       \
        target(&n64, &nrhs64, a, &lda64, piv, b, &ldb64, &info64);                            \
        narrow(ipiv, piv, n64);                                                               \
        free(piv);                                                                            \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
GESV(float, sgesv_, scipy_sgesv_64_)
GESV(double, dgesv_, scipy_dgesv_64_)

/* xGETRF: LU factorisation; ipiv[min(m, n)] out */
#define GETRF(T, name, target)                                                                \
    extern void target(const i64 *, const i64 *, T *, const i64 *, i64 *, i64 *);             \
    COUNTED(name)                                                                             \
    int name(const i32 *m, const i32 *n, T *a, const i32 *lda, i32 *ipiv, i32 *info) {        \
        COUNT(name);                                                                          \
        W(m); W(n); W(lda); i64 info64 = 0;                                                   \
        i64 count = min64(m64, n64);                                                          \
        i64 *piv = widen_alloc(count);                                                        \
        if (!piv) { *info = SHIM_NO_MEMORY; return 0; }                                       \
        target(&m64, &n64, a, &lda64, piv, &info64);                                          \
        narrow(ipiv, piv, count);                                                             \
        free(piv);                                                                            \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
GETRF(float, sgetrf_, scipy_sgetrf_64_)
GETRF(double, dgetrf_, scipy_dgetrf_64_)

/* xPOTRF: Cholesky factorisation */
#define POTRF(T, name, target)                                                                \
    extern void target(const char *, const i64 *, T *, const i64 *, i64 *, size_t);          \
    COUNTED(name)                                                                             \
    int name(const char *uplo, const i32 *n, T *a, const i32 *lda, i32 *info) {               \
        COUNT(name);                                                                          \
        W(n); W(lda); i64 info64 = 0;                                                         \
        target(uplo, &n64, a, &lda64, &info64, 1);                                            \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
POTRF(float, spotrf_, scipy_spotrf_64_)
POTRF(double, dpotrf_, scipy_dpotrf_64_)

/* xPOSV: solve with a symmetric positive definite A */
#define POSV(T, name, target)                                                                 \
    extern void target(const char *, const i64 *, const i64 *, T *, const i64 *, T *,         \
                       const i64 *, i64 *, size_t);                                           \
    COUNTED(name)                                                                             \
    int name(const char *uplo, const i32 *n, const i32 *nrhs, T *a, const i32 *lda, T *b,     \
             const i32 *ldb, i32 *info) {                                                     \
        COUNT(name);                                                                          \
        W(n); W(nrhs); W(lda); W(ldb); i64 info64 = 0;                                        \
        target(uplo, &n64, &nrhs64, a, &lda64, b, &ldb64, &info64, 1);                        \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
POSV(float, sposv_, scipy_sposv_64_)
POSV(double, dposv_, scipy_dposv_64_)

/* xGEQRF: QR factorisation (lwork = -1 asks for the workspace size, in work[0]) */
#define GEQRF(T, name, target)                                                                \
    extern void target(const i64 *, const i64 *, T *, const i64 *, T *, T *, const i64 *,     \
                       i64 *);                                                                \
    COUNTED(name)                                                                             \
    int name(const i32 *m, const i32 *n, T *a, const i32 *lda, T *tau, T *work,              \
             const i32 *lwork, i32 *info) {                                                   \
        COUNT(name);                                                                          \
        W(m); W(n); W(lda); W(lwork); i64 info64 = 0;                                         \
        target(&m64, &n64, a, &lda64, tau, work, &lwork64, &info64);                          \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
GEQRF(float, sgeqrf_, scipy_sgeqrf_64_)
GEQRF(double, dgeqrf_, scipy_dgeqrf_64_)

/* xGELS: least squares by QR/LQ */
#define GELS(T, name, target)                                                                 \
    extern void target(const char *, const i64 *, const i64 *, const i64 *, T *,              \
                       const i64 *, T *, const i64 *, T *, const i64 *, i64 *, size_t);       \
    COUNTED(name)                                                                             \
    int name(const char *trans, const i32 *m, const i32 *n, const i32 *nrhs, T *a,            \
             const i32 *lda, T *b, const i32 *ldb, T *work, const i32 *lwork, i32 *info) {    \
        COUNT(name);                                                                          \
        W(m); W(n); W(nrhs); W(lda); W(ldb); W(lwork); i64 info64 = 0;                        \
        target(trans, &m64, &n64, &nrhs64, a, &lda64, b, &ldb64, work, &lwork64, &info64, 1); \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
GELS(float, sgels_, scipy_sgels_64_)
GELS(double, dgels_, scipy_dgels_64_)

/* xGESDD: SVD by divide and conquer; iwork[8 min(m, n)] is workspace */
#define GESDD(T, name, target)                                                                \
    extern void target(const char *, const i64 *, const i64 *, T *, const i64 *, T *, T *,    \
                       const i64 *, T *, const i64 *, T *, const i64 *, i64 *, i64 *,         \
                       size_t);                                                               \
    COUNTED(name)                                                                             \
    int name(const char *jobz, const i32 *m, const i32 *n, T *a, const i32 *lda, T *s, T *u,  \
             const i32 *ldu, T *vt, const i32 *ldvt, T *work, const i32 *lwork, i32 *iwork,   \
             i32 *info) {                                                                     \
        COUNT(name);                                                                          \
        (void)iwork;                                                                          \
        W(m); W(n); W(lda); W(ldu); W(ldvt); W(lwork); i64 info64 = 0;                        \
        i64 *iw = widen_alloc(8 * min64(m64, n64));                                           \
        if (!iw) { *info = SHIM_NO_MEMORY; return 0; }                                        \
        target(jobz, &m64, &n64, a, &lda64, s, u, &ldu64, vt, &ldvt64, work, &lwork64, iw,    \
               &info64, 1);                                                                   \
        free(iw);                                                                             \
        BACK(info);                                                                           \
        return 0;                                                                             \
    }
GESDD(float, sgesdd_, scipy_sgesdd_64_)
GESDD(double, dgesdd_, scipy_dgesdd_64_)

/* DGEEV: eigenvalues (and vectors) of a general matrix */
extern void scipy_dgeev_64_(const char *, const char *, const i64 *, double *, const i64 *,
                            double *, double *, double *, const i64 *, double *, const i64 *,
                            double *, const i64 *, i64 *, size_t, size_t);
COUNTED(dgeev_)
int dgeev_(const char *jobvl, const char *jobvr, const i32 *n, double *a, const i32 *lda,
           double *wr, double *wi, double *vl, const i32 *ldvl, double *vr, const i32 *ldvr,
           double *work, const i32 *lwork, i32 *info) {
    COUNT(dgeev_);
    W(n); W(lda); W(ldvl); W(ldvr); W(lwork); i64 info64 = 0;
    scipy_dgeev_64_(jobvl, jobvr, &n64, a, &lda64, wr, wi, vl, &ldvl64, vr, &ldvr64, work,
                    &lwork64, &info64, 1, 1);
    BACK(info);
    return 0;
}

#ifdef COMPANION_SHIM_COUNTS
/* How often a wrapper ran (-1: no such wrapper). Only in the counting test build. */
long companion_shim_calls(const char *name) {
#define REPORT(x) if (strcmp(name, #x) == 0) return calls_##x;
    REPORT(cblas_sgemm) REPORT(cblas_dgemm) REPORT(cblas_cgemm) REPORT(cblas_zgemm)
    REPORT(sgesv_) REPORT(dgesv_) REPORT(sgetrf_) REPORT(dgetrf_) REPORT(spotrf_)
    REPORT(dpotrf_) REPORT(sposv_) REPORT(dposv_) REPORT(sgeqrf_) REPORT(dgeqrf_)
    REPORT(sgels_) REPORT(dgels_) REPORT(sgesdd_) REPORT(dgesdd_) REPORT(dgeev_)
    return -1;
}
#endif
