/* cwcc device library: atomic functions (forwards to sm_20_atomic_functions.h) */
#ifndef CWCC_SM_60_ATOMIC_FUNCTIONS_H_INCLUDED
#define CWCC_SM_60_ATOMIC_FUNCTIONS_H_INCLUDED

#include <sm_20_atomic_functions.h>

/* All atomics are declared in sm_20_atomic_functions.h. */

#endif /* CWCC_SM_60_ATOMIC_FUNCTIONS_H_INCLUDED */
