#include "pmxsnap/archive/manifest.hpp"

#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace pmxsnap::archive {
namespace {

using Json = nlohmann::ordered_json;

// Field access that names the field when the input is not what it claims.
class Fields {
  public:
    Fields(const Json& object, std::string where)
        : object_(object)
        , where_(std::move(where)) {
        if (!object_.is_object())
            fail("MANIFEST.json: {}: expected an object", where_);
    }

    const Json& get(const char* key) const {
        auto it = object_.find(key);
        if (it == object_.end())
            fail("MANIFEST.json: {}: missing field '{}'", where_, key);
        return *it;
    }
    std::string text(const char* key) const {
        const auto& value = get(key);
        if (!value.is_string())
            fail("MANIFEST.json: {}.{}: expected a string", where_, key);
        return value.get<std::string>();
    }
    std::int64_t integer(const char* key) const {
        const auto& value = get(key);
        if (!value.is_number_integer())
            fail("MANIFEST.json: {}.{}: expected an integer", where_, key);
        return value.get<std::int64_t>();
    }
    template <typename T>
    std::optional<T> optional(const char* key) const {
        auto it = object_.find(key);
        if (it == object_.end() || it->is_null())
            return std::nullopt;
        try {
            return it->get<T>();
        } catch (const Json::exception&) {
            fail("MANIFEST.json: {}.{}: wrong type", where_, key);
        }
    }
    Fields child(const char* key) const { return Fields(get(key), where_ + "." + key); }

  private:
    const Json& object_;
    std::string where_;
};

unsigned parse_mode(const std::string& text, const std::string& where) {
    unsigned mode = 0;
    if (text.empty() || text.size() > 6)
        fail("MANIFEST.json: {}.mode: '{}' is not an octal mode", where, text);
    for (char c : text) {
        if (c < '0' || c > '7')
            fail("MANIFEST.json: {}.mode: '{}' is not an octal mode", where, text);
        mode = mode * 8 + static_cast<unsigned>(c - '0');
    }
    if (mode > 07777)
        fail("MANIFEST.json: {}.mode: '{}' is not a permission mode", where, text);
    return mode;
}

bool is_sha256_hex(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Member parse_member(const Json& json, std::size_t index) {
    std::string where = fmt::format("members[{}]", index);
    Fields fields(json, where);
    Member member;
    member.path = fields.text("path");
    auto type = fields.text("type");
    if (type != "file" && type != "dir")
        fail("MANIFEST.json: {}.type: '{}' is neither 'file' nor 'dir'", where, type);
    member.is_directory = type == "dir";
    member.mode = parse_mode(fields.text("mode"), where);
    member.uid = static_cast<unsigned>(fields.integer("uid"));
    member.gid = static_cast<unsigned>(fields.integer("gid"));
    member.size = fields.integer("size");
    member.mtime = fields.integer("mtime");
    if (member.size < 0)
        fail("MANIFEST.json: {}.size: negative", where);
    if (!member.is_directory) {
        member.sha256 = fields.text("sha256");
        if (!is_sha256_hex(member.sha256))
            fail("MANIFEST.json: {}.sha256: not a SHA-256 digest", where);
    }
    if (json.contains("pmxcfs")) {
        auto pmxcfs = fields.child("pmxcfs");
        member.pmxcfs = PmxcfsFacts{pmxcfs.integer("inode"), pmxcfs.integer("version"),
                                    pmxcfs.integer("writer")};
    }
    return member;
}

// The members are converted one by one as the parser finishes each, and
// dropped from the document: a full DOM of a pmxcfs-maximum manifest (262,161
// members) held ~300 MB, the converted list a fraction of it.
class MemberCollector {
  public:
    explicit MemberCollector(std::vector<Member>& members)
        : members_(members) {}

    bool operator()(int depth, nlohmann::detail::parse_event_t event, Json& parsed) {
        using Event = nlohmann::detail::parse_event_t;
        if (depth == 1 && event == Event::key)
            top_key_ = parsed.get<std::string>();
        else if (depth == 1 && event == Event::array_start && top_key_ == "members") {
            if (seen_members_)
                fail("MANIFEST.json: members: given twice");
            in_members_ = seen_members_ = true;
        } else if (depth == 1 && event == Event::array_end)
            in_members_ = false;
        else if (in_members_ && depth == 2 && event == Event::object_end) {
            members_.push_back(parse_member(parsed, members_.size()));
            return false;
        } else if (in_members_ && depth == 2 &&
                   (event == Event::value || event == Event::array_start))
            fail("MANIFEST.json: members[{}]: expected an object", members_.size());
        return true;
    }

  private:
    std::vector<Member>& members_;
    std::string top_key_;
    bool in_members_ = false;
    bool seen_members_ = false;
};

} // namespace

const Member* Manifest::find(std::string_view path) const {
    for (const auto& member : members)
        if (member.path == path)
            return &member;
    return nullptr;
}

std::int64_t Manifest::total_member_bytes() const {
    std::int64_t total = 0;
    for (const auto& member : members)
        total += member.size;
    return total;
}

namespace {

Manifest from_document(const Json& json, Manifest m);

} // namespace

Manifest parse_manifest(std::string_view text) {
    Manifest m;
    Json json = Json::parse(text, MemberCollector(m.members), false);
    return from_document(json, std::move(m));
}

Manifest parse_manifest(std::istream& text) {
    Manifest m;
    Json json = Json::parse(text, MemberCollector(m.members), false);
    return from_document(json, std::move(m));
}

namespace {

Manifest from_document(const Json& json, Manifest m) {
    if (json.is_discarded())
        fail("MANIFEST.json: not valid JSON");
    Fields top(json, "manifest");
    m.format = static_cast<int>(top.integer("format"));
    if (m.format != manifest_format_version)
        fail("MANIFEST.json: format version {} is not supported; this pmxsnap reads version {}",
             m.format, manifest_format_version);
    m.tool = top.text("tool");
    m.captured_at = top.text("captured_at");
    m.cluster = top.text("cluster");
    m.node = top.text("node");
    m.note = top.optional<std::string>("note").value_or("");
    auto db = top.child("db");
    m.db.root_version = db.integer("root_version");
    m.db.root_writer = db.integer("root_writer");
    m.db.root_mtime = db.integer("root_mtime");
    m.db.copy_method = db.text("copy_method");
    m.db.invariant_violations = db.integer("invariant_violations");
    auto corosync = top.child("corosync");
    m.corosync.host_config_version = corosync.optional<std::uint64_t>("host_config_version");
    m.corosync.pve_config_version = corosync.optional<std::uint64_t>("pve_config_version");
    auto authkeys = top.child("authkeys");
    m.authkeys.corosync = authkeys.optional<std::string>("corosync_sha256");
    m.authkeys.pve = authkeys.optional<std::string>("pve_sha256");
    m.state = top.text("state");
    if (auto runtime = json.find("runtime"); runtime != json.end() && !runtime->is_null()) {
        if (!runtime->is_object())
            fail("MANIFEST.json: runtime: expected an object or null");
        m.runtime_json = runtime->dump();
    }
    const auto& members = top.get("members");
    if (!members.is_array())
        fail("MANIFEST.json: members: expected an array");
    return m;
}

} // namespace

} // namespace pmxsnap::archive
