/* cwcc device library: double-precision intrinsics (forwards to math_functions.h) */
#ifndef CWCC_DEVICE_DOUBLE_FUNCTIONS_H_INCLUDED
#define CWCC_DEVICE_DOUBLE_FUNCTIONS_H_INCLUDED

#include <math_functions.h>

#endif /* CWCC_DEVICE_DOUBLE_FUNCTIONS_H_INCLUDED */
