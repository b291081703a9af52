/* cwcc device library: warp reductions (forwards to sm_30_intrinsics.h) */
#ifndef CWCC_SM_80_INTRINSICS_H_INCLUDED
#define CWCC_SM_80_INTRINSICS_H_INCLUDED

#include <sm_30_intrinsics.h>

/* __reduce_*_sync are declared in sm_30_intrinsics.h. */

#endif /* CWCC_SM_80_INTRINSICS_H_INCLUDED */
