/* cwcc device library: sm_61 intrinsics (__dp4a is in device_functions.h) */
#ifndef CWCC_SM_61_INTRINSICS_H_INCLUDED
#define CWCC_SM_61_INTRINSICS_H_INCLUDED

#include <device_functions.h>

#endif /* CWCC_SM_61_INTRINSICS_H_INCLUDED */
