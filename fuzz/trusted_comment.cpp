// The signed index line: parse() accepts exactly pmxsnap's form or nothing,
// and what it accepts formats back to the same line.
#include "pmxsnap/repo/trusted_comment.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto comment = pmxsnap::repo::TrustedComment::parse(text);
    if (comment && comment->format() != text)
        std::abort();
    return 0;
}
