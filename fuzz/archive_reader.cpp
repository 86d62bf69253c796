// Whole archives from an untrusted repository, through the one safe reader,
// whole and filtered: every outcome is members delivered or
// archive::Rejected / pmxsnap::Error.
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/util/error.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

class Count : public pmxsnap::archive::MemberHandler {
  public:
    void data(std::string_view chunk) override { bytes += chunk.size(); }
    std::size_t bytes = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::size_t offset = 0;
    auto source = [&](std::span<std::uint8_t> buffer) {
        auto n = std::min(buffer.size(), size - offset);
        std::memcpy(buffer.data(), data + offset, n);
        offset += n;
        return n;
    };
    pmxsnap::archive::ReaderLimits limits;
    limits.max_total_bytes = 64u << 20;
    limits.max_manifest_bytes = 8u << 20;
    try {
        pmxsnap::archive::Reader reader(source, limits);
        Count count;
        reader.read_members(count);
    } catch (const pmxsnap::ErrorBase&) {
    }
    // Again as diff reads a second archive: keeping some members only (here
    // those with a path of even length), stepping over the others.
    offset = 0;
    try {
        auto some = [](const pmxsnap::archive::Member& m) { return m.path.size() % 2 == 0; };
        pmxsnap::archive::Reader reader(source, limits, {}, some);
        Count count;
        reader.read_members(count);
    } catch (const pmxsnap::ErrorBase&) {
    }
    return 0;
}
