// MANIFEST.json from an untrusted archive: parse_manifest either returns a
// manifest or throws pmxsnap::Error; it never crashes.
#include "pmxsnap/archive/manifest.hpp"

#include "pmxsnap/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto manifest = pmxsnap::archive::parse_manifest(
            std::string_view(reinterpret_cast<const char*>(data), size));
        (void)pmxsnap::archive::serialize_manifest(manifest);
    } catch (const pmxsnap::ErrorBase&) {
    }
    return 0;
}
