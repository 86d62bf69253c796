#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

namespace pmxsnap::archive {
namespace {

using Json = nlohmann::ordered_json;

// Printable ASCII with nothing to escape: nlohmann writes it as it is.
bool is_plain(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            return false;
    return true;
}

// Members are written by hand because building them as an nlohmann DOM cost
// more than everything else a snapshot does on a large cluster (a profile of
// 20,491 members showed 17% of the run in DOM building and dump) and held
// ~300 MB on a pmxcfs-maximum one. The top of the document stays an nlohmann
// DOM: it is small and holds free-form values (the runtime view).
class ChunkedText {
  public:
    explicit ChunkedText(const TextSink& sink)
        : sink_(sink) {
        buffer_.reserve(flush_at + 4096);
    }
    ChunkedText(const ChunkedText&) = delete;
    ChunkedText& operator=(const ChunkedText&) = delete;
    ~ChunkedText() = default;

    void append(std::string_view text) {
        buffer_.append(text);
        if (buffer_.size() >= flush_at)
            flush();
    }
    // A JSON string exactly as nlohmann writes it (ensure_ascii off). The
    // common case, printable ASCII with nothing to escape, is copied as is;
    // anything else goes through nlohmann so escaping and UTF-8 validation
    // are its own, not a second implementation.
    void string(std::string_view text) {
        if (is_plain(text)) {
            buffer_.push_back('"');
            buffer_.append(text);
            buffer_.push_back('"');
        } else {
            buffer_.append(std::string_view(Json(std::string(text)).dump()));
        }
    }
    void number(std::int64_t value) {
        fmt::format_int text(value);
        append({text.data(), text.size()});
    }
    void octal(unsigned value) {
        std::array<char, 16> text;
        auto end = fmt::format_to(text.data(), FMT_COMPILE("{:04o}"), value);
        append({text.data(), static_cast<std::size_t>(end - text.data())});
    }
    void digest(const Sha256Digest& value) {
        if (!value.empty()) {
            auto hex = value.hex_chars();
            append({hex.data(), hex.size()});
        }
    }
    void flush() {
        if (buffer_.size() > 0)
            sink_({buffer_.data(), buffer_.size()});
        buffer_.clear();
    }

  private:
    static constexpr std::size_t flush_at = 1 << 16;
    const TextSink& sink_;
    fmt::memory_buffer buffer_;
};

Json health_json(const Health& health) {
    Json problems = Json::array();
    for (const auto& problem : health.problems)
        problems.push_back({{"id", problem.id}, {"message", problem.message}});
    return {{"verdict", health.verdict}, {"problems", problems}, {"notes", health.notes}};
}

Json top_without_members(const Manifest& m) {
    Json top = {{"schema", manifest_schema},
                {"format", m.format},
                {"tool", m.tool},
                {"captured_at", m.captured_at},
                {"cluster", m.cluster},
                {"node", m.node},
                {"note", m.note},
                {"db",
                 {{"root_version", m.db.root_version},
                  {"root_writer", m.db.root_writer},
                  {"root_mtime", m.db.root_mtime},
                  {"copy_method", m.db.copy_method},
                  {"invariant_violations", m.db.invariant_violations}}},
                {"corosync",
                 {{"host_config_version", json_or_null<Json>(m.corosync.host_config_version)},
                  {"pve_config_version", json_or_null<Json>(m.corosync.pve_config_version)}}},
                {"authkeys",
                 {{"corosync_sha256", json_or_null<Json>(m.authkeys.corosync)},
                  {"pve_sha256", json_or_null<Json>(m.authkeys.pve)}}},
                {"state", m.state},
                {"runtime", m.runtime_json.empty() ? Json(nullptr) : Json::parse(m.runtime_json)}};
    // Left out, not null, when unknown: a manifest without health is
    // byte-for-byte what pmxsnap wrote before health existed.
    if (m.health)
        top["health"] = health_json(*m.health);
    if (!m.profile_json.empty())
        top["profile"] = Json::parse(m.profile_json);
    return top;
}

// Counts what ChunkedText would write. The tar header carries the
// manifest's size before its text, and counting by formatting it all a
// second time was half the cost of the manifest; both go through one
// write_member, so they cannot disagree on a byte.
class TextCounter {
  public:
    void append(std::string_view text) { size_ += text.size(); }
    void string(std::string_view text) {
        size_ += is_plain(text) ? text.size() + 2 : Json(std::string(text)).dump().size();
    }
    void number(std::int64_t value) { size_ += fmt::format_int(value).size(); }
    void octal(unsigned value) { size_ += fmt::formatted_size(FMT_COMPILE("{:04o}"), value); }
    void digest(const Sha256Digest& value) { size_ += value.empty() ? 0 : 64; }
    std::uint64_t size() const { return size_; }

  private:
    std::uint64_t size_ = 0;
};

// One element of "members" at nlohmann's dump(1) indentation (the array is
// at depth 1, so its objects open at two spaces and their fields at three).
template <typename Out>
void write_member(Out& out, const Member& member) {
    out.append("  {\n   \"path\": ");
    // A name that is not UTF-8 (pmxcfs names are bytes) as json_name.hpp
    // says: escaped for people, and its bytes in path_hex.
    if (is_utf8(member.path)) {
        out.string(member.path);
    } else {
        out.string(escape_name(member.path));
        out.append(",\n   \"path_hex\": \"");
        out.append(hex_bytes(member.path));
        out.append("\"");
    }
    out.append(member.is_directory ? ",\n   \"type\": \"dir\",\n   \"mode\": \""
                                   : ",\n   \"type\": \"file\",\n   \"mode\": \"");
    out.octal(member.mode);
    out.append("\",\n   \"uid\": ");
    out.number(member.uid);
    out.append(",\n   \"gid\": ");
    out.number(member.gid);
    out.append(",\n   \"size\": ");
    out.number(member.size);
    out.append(",\n   \"mtime\": ");
    out.number(member.mtime);
    if (!member.is_directory) {
        out.append(",\n   \"sha256\": \"");
        out.digest(member.sha256);
        out.append("\"");
    }
    if (member.pmxcfs) {
        out.append(",\n   \"pmxcfs\": {\n    \"inode\": ");
        out.number(member.pmxcfs->inode);
        out.append(",\n    \"version\": ");
        out.number(member.pmxcfs->version);
        out.append(",\n    \"writer\": ");
        out.number(member.pmxcfs->writer);
        out.append("\n   }");
    }
    out.append("\n  }");
}

template <typename Out>
void write_document(Out& out, const Manifest& header, const MemberWalk& walk) {
    auto top = top_without_members(header).dump(1);
    // The top object always has fields, so its dump ends in "\n}": "members"
    // goes in as its last field.
    out.append(std::string_view(top).substr(0, top.size() - 2));
    out.append(",\n \"members\": ");
    bool first = true;
    walk([&](const Member& member) {
        out.append(first ? "[\n" : ",\n");
        first = false;
        write_member(out, member);
    });
    out.append(first ? "[]" : "\n ]");
    out.append("\n}\n");
}

} // namespace

MemberWalk walk_members(const std::vector<Member>& members) {
    return [&members](const MemberVisitor& visit) {
        for (const auto& member : members)
            visit(member);
    };
}

void write_manifest(const Manifest& header, const MemberWalk& walk, const TextSink& sink) {
    ChunkedText out(sink);
    write_document(out, header, walk);
    out.flush();
}

std::uint64_t manifest_size(const Manifest& header, const MemberWalk& walk) {
    TextCounter counter;
    write_document(counter, header, walk);
    return counter.size();
}

void write_manifest(const Manifest& manifest, const TextSink& sink) {
    write_manifest(manifest, walk_members(manifest.members), sink);
}

std::uint64_t manifest_size(const Manifest& manifest) {
    return manifest_size(manifest, walk_members(manifest.members));
}

std::string serialize_manifest(const Manifest& manifest) {
    std::string text;
    write_manifest(manifest, [&](std::string_view chunk) { text.append(chunk); });
    return text;
}

} // namespace pmxsnap::archive
