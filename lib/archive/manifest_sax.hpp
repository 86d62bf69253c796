// The streaming reader of MANIFEST.json: members straight from the parser's
// events, the rest as a small DOM. Private to lib/archive.
#pragma once

#include "manifest_fields.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace pmxsnap::archive::detail {

// One field of a member as the parser saw it. At namespace scope, not nested
// in ManifestSax: clang does not see a nested struct's default member
// initializers as making it default-constructible inside its enclosing class.
struct Slot {
    enum class Kind { absent, string, integer, other } kind = Kind::absent;
    std::string text;
    std::int64_t number = 0;
};

struct MemberSlots {
    Slot path, path_hex, type, mode, uid, gid, size, mtime, sha256;
    bool has_pmxcfs = false;
    bool pmxcfs_is_object = false;
    Slot inode, version, writer;
};

// Members are read straight from the parser's events into Member, with the
// checks and messages a DOM walk would give; only the rest of the document
// (small) becomes a DOM. A DOM of every member held ~300 MB on a
// pmxcfs-maximum manifest, and converting members from small DOMs still
// spent 69% of a 32-node diff in parsing.
// The shortest member pmxsnap writes, a directory without pmxcfs facts, is
// about 125 bytes of MANIFEST.json; file members are over 200.
constexpr std::uint64_t smallest_member_text = 112;
// No more than pmxcfs's inodes plus db/, host/ and their directories: a
// hostile 128 MiB manifest reserves no more than a real maximal one needs.
constexpr std::uint64_t most_members_expected = 256 * 1024 + 4096;

class ManifestSax final : public nlohmann::json_sax<Json> {
  public:
    // keep, when not null, outlives the parse.
    ManifestSax(std::vector<Member>& members, std::uint64_t document_bytes,
                const MemberFilter* keep = nullptr)
        : members_(members)
        , keep_(keep)
        , room_for_(document_bytes / smallest_member_text) {}
    Json& document() { return root_; }

    bool null() override { return scalar(Json(nullptr), Slot::Kind::other); }
    bool boolean(bool value) override { return scalar(Json(value), Slot::Kind::other); }
    bool number_integer(number_integer_t value) override {
        if (collecting())
            return set_slot(Slot::Kind::integer, {}, value);
        return scalar(Json(value), Slot::Kind::integer);
    }
    bool number_unsigned(number_unsigned_t value) override {
        if (collecting())
            return set_slot(Slot::Kind::integer, {}, static_cast<std::int64_t>(value));
        return scalar(Json(value), Slot::Kind::integer);
    }
    bool number_float(number_float_t value, const string_t&) override {
        return scalar(Json(value), Slot::Kind::other);
    }
    bool string(string_t& value) override {
        if (collecting())
            return set_slot(Slot::Kind::string, std::move(value), 0);
        return scalar(Json(std::move(value)), Slot::Kind::string);
    }
    bool binary(binary_t&) override { return false; } // JSON text has none

    bool start_object(std::size_t) override {
        if (skip_ > 0 || (member_ && opens_value_to_skip(true))) {
            ++skip_;
            return true;
        }
        if (member_)
            return true; // the pmxcfs object, entered by opens_value_to_skip
        if (in_members_) {
            member_.emplace();
            return true;
        }
        stack_.push_back(put(Json::object()));
        return true;
    }
    bool end_object() override {
        if (skip_ > 0) {
            --skip_;
            return true;
        }
        if (member_ && in_pmxcfs_) {
            in_pmxcfs_ = false;
            slot_ = nullptr;
            return true;
        }
        if (member_) {
            auto member = finish_member(*member_, listed_++);
            if (keep_ == nullptr || (*keep_)(member))
                members_.push_back(std::move(member));
            member_.reset();
            return true;
        }
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        if (skip_ > 0 || (member_ && opens_value_to_skip(false))) {
            ++skip_;
            return true;
        }
        if (in_members_)
            fail("MANIFEST.json: members[{}]: expected an object", listed_);
        if (stack_.size() == 1 && key_ == "members") {
            if (seen_members_)
                fail("MANIFEST.json: members: given twice");
            seen_members_ = in_members_ = true;
            // Room for as many members as the text can hold, reserved, not
            // touched: pages never written cost no resident memory, while
            // growing by doubling copied a 36 MB list at the peak (and the
            // last doubling reserved 71 MB) on a pmxcfs-maximum manifest.
            // A filtered list reserves nothing: it keeps a few.
            if (keep_ == nullptr)
                members_.reserve(std::min<std::uint64_t>(room_for_, most_members_expected));
            put(Json::array());
            return true;
        }
        stack_.push_back(put(Json::array()));
        return true;
    }
    bool end_array() override {
        if (skip_ > 0) {
            --skip_;
            return true;
        }
        if (in_members_) {
            in_members_ = false;
            return true;
        }
        stack_.pop_back();
        return true;
    }
    bool key(string_t& name) override {
        if (skip_ > 0)
            return true;
        if (member_) {
            slot_ = in_pmxcfs_ ? pmxcfs_slot(name) : member_slot(name);
            key_is_pmxcfs_ = !in_pmxcfs_ && name == "pmxcfs";
            return true;
        }
        key_ = std::move(name);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

  private:
    bool collecting() const { return skip_ == 0 && member_.has_value(); }

    // A scalar: into the member being read, or into the DOM.
    bool scalar(Json value, Slot::Kind kind) {
        if (skip_ > 0)
            return true;
        if (member_)
            return set_slot(kind, {}, 0);
        if (in_members_)
            fail("MANIFEST.json: members[{}]: expected an object", listed_);
        put(std::move(value));
        return true;
    }

    bool set_slot(Slot::Kind kind, std::string text, std::int64_t number) {
        if (key_is_pmxcfs_) {
            member_->has_pmxcfs = true;
            member_->pmxcfs_is_object = false;
        } else if (slot_ != nullptr) {
            *slot_ = Slot{kind, std::move(text), number};
        }
        return true;
    }

    // An object or array as the value of a member's field: pmxcfs's object
    // is read (false: do not skip it); anything else is a wrong type for a
    // known field, or an unknown field, and is skipped whole.
    bool opens_value_to_skip(bool is_object) {
        if (!in_pmxcfs_ && key_is_pmxcfs_) {
            member_->has_pmxcfs = true;
            member_->pmxcfs_is_object = is_object;
            key_is_pmxcfs_ = false;
            if (!is_object)
                return true;
            member_->inode = member_->version = member_->writer = Slot{};
            in_pmxcfs_ = true;
            slot_ = nullptr;
            return false;
        }
        if (slot_ != nullptr)
            *slot_ = Slot{Slot::Kind::other, {}, 0};
        return true;
    }

    Slot* member_slot(const std::string& name) {
        auto& m = *member_;
        for (auto [field, slot] : {std::pair{"path", &m.path},
                                   {"path_hex", &m.path_hex},
                                   {"type", &m.type},
                                   {"mode", &m.mode},
                                   {"uid", &m.uid},
                                   {"gid", &m.gid},
                                   {"size", &m.size},
                                   {"mtime", &m.mtime},
                                   {"sha256", &m.sha256}})
            if (name == field)
                return slot;
        return nullptr;
    }
    Slot* pmxcfs_slot(const std::string& name) {
        auto& m = *member_;
        for (auto [field, slot] :
             {std::pair{"inode", &m.inode}, {"version", &m.version}, {"writer", &m.writer}})
            if (name == field)
                return slot;
        return nullptr;
    }

    static const std::string& text(const Slot& slot, const std::string& where, const char* key) {
        if (slot.kind == Slot::Kind::absent)
            fail("MANIFEST.json: {}: missing field '{}'", where, key);
        if (slot.kind != Slot::Kind::string)
            fail("MANIFEST.json: {}.{}: expected a string", where, key);
        return slot.text;
    }
    static std::int64_t integer(const Slot& slot, const std::string& where, const char* key) {
        if (slot.kind == Slot::Kind::absent)
            fail("MANIFEST.json: {}: missing field '{}'", where, key);
        if (slot.kind != Slot::Kind::integer)
            fail("MANIFEST.json: {}.{}: expected an integer", where, key);
        return slot.number;
    }

    static Member finish_member(MemberSlots& slots, std::size_t index) {
        std::string where = fmt::format("members[{}]", index);
        Member member;
        const auto& path = text(slots.path, where, "path");
        std::optional<std::string> path_hex;
        if (slots.path_hex.kind != Slot::Kind::absent)
            path_hex = text(slots.path_hex, where, "path_hex");
        if (auto problem = name_problem("path", path, path_hex, &member.path))
            fail("MANIFEST.json: {}: {}", where, *problem);
        const auto& type = text(slots.type, where, "type");
        if (type != "file" && type != "dir")
            fail("MANIFEST.json: {}.type: '{}' is neither 'file' nor 'dir'", where, type);
        member.is_directory = type == "dir";
        member.mode = parse_mode(text(slots.mode, where, "mode"), where);
        member.uid = static_cast<unsigned>(integer(slots.uid, where, "uid"));
        member.gid = static_cast<unsigned>(integer(slots.gid, where, "gid"));
        member.size = integer(slots.size, where, "size");
        member.mtime = integer(slots.mtime, where, "mtime");
        if (member.size < 0)
            fail("MANIFEST.json: {}.size: negative", where);
        if (!member.is_directory) {
            auto digest = Sha256Digest::from_hex(text(slots.sha256, where, "sha256"));
            if (!digest)
                fail("MANIFEST.json: {}.sha256: not a SHA-256 digest", where);
            member.sha256 = *digest;
        }
        if (slots.has_pmxcfs) {
            auto inner = where + ".pmxcfs";
            if (!slots.pmxcfs_is_object)
                fail("MANIFEST.json: {}: expected an object", inner);
            member.pmxcfs = PmxcfsFacts{integer(slots.inode, inner, "inode"),
                                        integer(slots.version, inner, "version"),
                                        integer(slots.writer, inner, "writer")};
        }
        return member;
    }

    // The DOM of everything but the members; containers on the stack are only
    // ever appended to at the top, so pointers into their parents stay valid.
    Json* put(Json value) {
        if (stack_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        Json& top = *stack_.back();
        if (top.is_array()) {
            top.push_back(std::move(value));
            return &top.back();
        }
        top[key_] = std::move(value);
        return &top[key_];
    }

    std::vector<Member>& members_;
    const MemberFilter* keep_;
    std::size_t listed_ = 0; // members parsed, kept or not
    std::size_t room_for_ = 0;
    Json root_;
    std::vector<Json*> stack_;
    std::string key_;
    bool in_members_ = false;
    bool seen_members_ = false;
    std::optional<MemberSlots> member_;
    bool in_pmxcfs_ = false;
    bool key_is_pmxcfs_ = false;
    Slot* slot_ = nullptr;
    int skip_ = 0;
};

} // namespace pmxsnap::archive::detail
