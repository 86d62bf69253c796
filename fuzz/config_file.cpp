// pmxsnap.conf as an operator writes it: any text is entries or one
// pmxsnap::Error naming the line, never a crash or another exception.
#include "pmxsnap/util/config_file.hpp"

#include "pmxsnap/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto entries = pmxsnap::parse_config_file(
            std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.conf");
        for (const auto& entry : entries)
            if (entry.key.empty())
                __builtin_trap();
    } catch (const pmxsnap::Error&) {
    }
    return 0;
}
