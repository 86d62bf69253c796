#include "pmxsnap/archive/manifest.hpp"

#include "chunk_input.hpp"
#include "manifest_document.hpp"
#include "manifest_sax.hpp"

#include <limits>

namespace pmxsnap::archive {

using detail::ChunkIterator;
using detail::Chunks;
using detail::from_document;
using detail::Json;
using detail::ManifestSax;

const Member* Manifest::find(std::string_view path) const {
    for (const auto& member : members)
        if (member.path == path)
            return &member;
    return nullptr;
}

std::int64_t saturating_add(std::int64_t total, std::int64_t size) {
    // Sizes are never negative (the parser rejects them), but a hostile
    // manifest may list sizes whose sum does not fit.
    return size > std::numeric_limits<std::int64_t>::max() - total
               ? std::numeric_limits<std::int64_t>::max()
               : total + size;
}

std::int64_t Manifest::total_member_bytes() const {
    std::int64_t total = 0;
    for (const auto& member : members)
        total = saturating_add(total, member.size);
    return total;
}

Manifest parse_manifest(std::string_view text) {
    Manifest m;
    ManifestSax sax(m.members, text.size());
    bool parsed = Json::sax_parse(text, &sax);
    return from_document(parsed ? sax.document() : Json(Json::value_t::discarded), std::move(m));
}

Manifest parse_manifest(const TextSource& source, std::uint64_t size_hint,
                        const MemberFilter& keep) {
    Manifest m;
    ManifestSax sax(m.members, size_hint, keep ? &keep : nullptr);
    Chunks chunks(source);
    bool parsed = Json::sax_parse(ChunkIterator(&chunks), ChunkIterator(), &sax);
    return from_document(parsed ? sax.document() : Json(Json::value_t::discarded), std::move(m));
}

} // namespace pmxsnap::archive
