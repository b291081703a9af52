/* cwcc device library: <stdlib.h>: malloc (device and host), abs, and host declarations */
#ifndef CWCC_STDLIB_H_INCLUDED
#define CWCC_STDLIB_H_INCLUDED

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

/* Device-side heap: builtins of the device library. */
__host__ __device__ void *malloc(size_t size);
__host__ __device__ void free(void *ptr);

/* Integer absolute value (also declared in math_functions.h). */
__host__ __device__ int abs(int x);
__host__ __device__ long int labs(long int x);
__host__ __device__ long long int llabs(long long int x);

/* Host-only. */
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t alignment, size_t size);
int posix_memalign(void **memptr, size_t alignment, size_t size);
void exit(int status);
void abort(void);
int atexit(void (*function)(void));
int rand(void);
void srand(unsigned int seed);
double drand48(void);
void srand48(long seed);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
double atof(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
double strtod(const char *s, char **end);
float strtof(const char *s, char **end);
char *getenv(const char *name);
int system(const char *command);
void qsort(void *base, size_t n, size_t size, int (*compar)(const void *, const void *));

#endif /* CWCC_STDLIB_H_INCLUDED */
