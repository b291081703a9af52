/* cwcc device library: intrinsics (forwards to device_functions.h) */
#ifndef CWCC_SM_20_INTRINSICS_H_INCLUDED
#define CWCC_SM_20_INTRINSICS_H_INCLUDED

#include <device_functions.h>
#include <sm_30_intrinsics.h>

/* Fences, votes and bit intrinsics are declared in device_functions.h and sm_30_intrinsics.h. */

#endif /* CWCC_SM_20_INTRINSICS_H_INCLUDED */
