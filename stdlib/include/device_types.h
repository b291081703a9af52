/* cwcc device library: device types (forwards to builtin_types.h) */
#ifndef CWCC_DEVICE_TYPES_H_INCLUDED
#define CWCC_DEVICE_TYPES_H_INCLUDED

#include <builtin_types.h>

#endif /* CWCC_DEVICE_TYPES_H_INCLUDED */
