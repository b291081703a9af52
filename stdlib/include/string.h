/* cwcc device library: <string.h>: memcpy, memset (device and host) and string functions (host) */
#ifndef CWCC_STRING_H_INCLUDED
#define CWCC_STRING_H_INCLUDED

#include <stddef.h>

/* Available in device code too: builtins of the device library. */
__host__ __device__ void *memcpy(void *dst, const void *src, size_t n);
__host__ __device__ void *memset(void *dst, int c, size_t n);

/* Host-only. */
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
char *strtok(char *s, const char *delim);
char *strerror(int errnum);

#endif /* CWCC_STRING_H_INCLUDED */
