// The SHA-256 compression function on the x86 SHA extensions (SHA-NI).
// Internal to util: Sha256 uses it when the CPU has them and falls back to
// libsodium otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmxsnap::detail {

// True when this CPU has SHA-NI, SSSE3 and SSE4.1 (asked once, via cpuid).
bool cpu_has_sha_ni();

// Runs `blocks` 64-byte blocks of `data` through the compression function,
// updating `state` (a..h, native byte order). Only call it when
// cpu_has_sha_ni() is true.
void sha256_blocks_sha_ni(std::uint32_t state[8], const std::uint8_t* data, std::size_t blocks);

} // namespace pmxsnap::detail
