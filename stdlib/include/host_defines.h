/* cwcc device library: host_defines.h (the execution-space qualifiers are keywords of cwcc's parser) */
#ifndef CWCC_HOST_DEFINES_H_INCLUDED
#define CWCC_HOST_DEFINES_H_INCLUDED


#endif /* CWCC_HOST_DEFINES_H_INCLUDED */
