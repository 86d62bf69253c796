#include "pmxsnap/archive/manifest.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace pmxsnap::archive {
namespace {

using Json = nlohmann::ordered_json;

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
    // Into fmt's own buffer: through a std::string's back_inserter fmt
    // pushed character by character, and with a heap string per digest this
    // was half of writing a 20,491-member manifest.
    template <typename... Args>
    void format(fmt::format_string<Args...> format, Args&&... args) {
        fmt::format_to(fmt::appender(buffer_), format, std::forward<Args>(args)...);
        if (buffer_.size() >= flush_at)
            flush();
    }
    // A JSON string exactly as nlohmann writes it (ensure_ascii off). The
    // common case, printable ASCII with nothing to escape, is copied as is;
    // anything else goes through nlohmann so escaping and UTF-8 validation
    // are its own, not a second implementation.
    void string(std::string_view text) {
        bool plain = true;
        for (unsigned char c : text)
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                plain = false;
                break;
            }
        if (plain) {
            buffer_.push_back('"');
            buffer_.append(text);
            buffer_.push_back('"');
        } else {
            buffer_.append(std::string_view(Json(std::string(text)).dump()));
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

template <typename T>
Json optional_json(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json top_without_members(const Manifest& m) {
    return {{"schema", manifest_schema},
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
             {{"host_config_version", optional_json(m.corosync.host_config_version)},
              {"pve_config_version", optional_json(m.corosync.pve_config_version)}}},
            {"authkeys",
             {{"corosync_sha256", optional_json(m.authkeys.corosync)},
              {"pve_sha256", optional_json(m.authkeys.pve)}}},
            {"state", m.state},
            {"runtime", m.runtime_json.empty() ? Json(nullptr) : Json::parse(m.runtime_json)}};
}

// One element of "members" at nlohmann's dump(1) indentation (the array is
// at depth 1, so its objects open at two spaces and their fields at three).
void write_member(ChunkedText& out, const Member& member) {
    out.append("  {\n   \"path\": ");
    out.string(member.path);
    out.format(",\n   \"type\": \"{}\",\n   \"mode\": \"{:04o}\",\n   \"uid\": {},\n   \"gid\": "
               "{},\n   \"size\": {},\n   \"mtime\": {}",
               member.is_directory ? "dir" : "file", member.mode, member.uid, member.gid,
               member.size, member.mtime);
    if (!member.is_directory) {
        auto hex = member.sha256.hex_chars();
        out.append(",\n   \"sha256\": \"");
        out.append(member.sha256.empty() ? std::string_view()
                                         : std::string_view(hex.data(), hex.size()));
        out.append("\"");
    }
    if (member.pmxcfs)
        out.format(
            ",\n   \"pmxcfs\": {{\n    \"inode\": {},\n    \"version\": {},\n    \"writer\": "
            "{}\n   }}",
            member.pmxcfs->inode, member.pmxcfs->version, member.pmxcfs->writer);
    out.append("\n  }");
}

} // namespace

void write_manifest(const Manifest& m, const TextSink& sink) {
    ChunkedText out(sink);
    auto top = top_without_members(m).dump(1);
    // The top object always has fields, so its dump ends in "\n}": "members"
    // goes in as its last field.
    out.append(std::string_view(top).substr(0, top.size() - 2));
    out.append(",\n \"members\": ");
    if (m.members.empty()) {
        out.append("[]");
    } else {
        out.append("[\n");
        for (std::size_t i = 0; i < m.members.size(); ++i) {
            if (i > 0)
                out.append(",\n");
            write_member(out, m.members[i]);
        }
        out.append("\n ]");
    }
    out.append("\n}\n");
    out.flush();
}

std::uint64_t manifest_size(const Manifest& manifest) {
    std::uint64_t size = 0;
    write_manifest(manifest, [&](std::string_view chunk) { size += chunk.size(); });
    return size;
}

std::string serialize_manifest(const Manifest& manifest) {
    std::string text;
    write_manifest(manifest, [&](std::string_view chunk) { text.append(chunk); });
    return text;
}

} // namespace pmxsnap::archive
