#ifndef HAVEN_CRC_H
#define HAVEN_CRC_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor computes CRC-32 by carry-less multiplication (PCLMULQDQ and
/// SSE4.1, x86-64 only), 0 otherwise: then `haven_crc32_folding` must not be called.
int haven_crc32_folding_available(void);

/// The CRC-32 of zlib and IEEE 802.3 (reflected polynomial 0xEDB88320) of `length` bytes at
/// `bytes`, continuing from the checksum `crc` of the bytes before them (0 to start), as
/// zlib's crc32(crc, bytes, length) answers.
uint32_t haven_crc32_folding(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
