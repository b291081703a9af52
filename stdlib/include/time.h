/* cwcc device library: <time.h>: clock (device and host) and host time functions */
#ifndef CWCC_TIME_H_INCLUDED
#define CWCC_TIME_H_INCLUDED

typedef long clock_t;
typedef long time_t;
#define CLOCKS_PER_SEC 1000000L

/* clock() also works in device code (a builtin of the device library). */
__host__ __device__ long int clock(void);

/* Host-only. */
struct timespec {
    time_t tv_sec;
    long tv_nsec;
};
time_t time(time_t *t);
double difftime(time_t end, time_t start);
int clock_gettime(int clock_id, struct timespec *tp);
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

#endif /* CWCC_TIME_H_INCLUDED */
