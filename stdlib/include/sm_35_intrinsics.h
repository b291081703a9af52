/* cwcc device library: sm_35 intrinsics (forwards to sm_32_intrinsics.h) */
#ifndef CWCC_SM_35_INTRINSICS_H_INCLUDED
#define CWCC_SM_35_INTRINSICS_H_INCLUDED

#include <sm_32_intrinsics.h>

#endif /* CWCC_SM_35_INTRINSICS_H_INCLUDED */
