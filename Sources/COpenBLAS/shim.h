// Debian installs cblas.h under a multiarch OpenBLAS folder and lapacke.h in the plain include folder.
// Debian's OpenBLAS is built without LAPACKE, so the module map links both libraries.
#pragma once
#if __has_include(<openblas/cblas.h>)
#include <openblas/cblas.h>
#elif __has_include(<x86_64-linux-gnu/openblas-pthread/cblas.h>)
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
#elif __has_include(<aarch64-linux-gnu/openblas-pthread/cblas.h>)
#include <aarch64-linux-gnu/openblas-pthread/cblas.h>
#else
#include <cblas.h>
#endif
#include <lapacke.h>

// Declared by OpenBLAS; repeated here in case the cblas.h found is a generic one.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
