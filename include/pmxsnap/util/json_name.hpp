// Names are bytes: a pmxcfs db row, and so a file in /etc/pve, may be named
// with bytes that are not UTF-8. These helpers carry such a name losslessly
// in JSON and show it safely in text; every command uses them for names.
// Never throw, except name_from_json (pmxsnap::Error on inconsistent input).
//
// The encoding (documented in docs/FORMAT.md and pmxsnap(1)):
// - A name that is valid UTF-8 is a plain JSON string under its key, as it
//   always was ("path": "qemu-server/100.conf").
// - A name that is not gets its escaped text (escape_name) under the key and
//   its bytes as lowercase hex under the key + "_hex":
//   "path": "qemu-server/99\\xff.conf", "path_hex": "71656d...ff2e636f6e66".
//   The _hex field is the name; the plain field is for people and for
//   programs that only display. A reader rejects a _hex field whose bytes
//   are UTF-8 (two spellings of one name) or whose escape differs from the
//   plain field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap {

bool is_utf8(std::string_view bytes);

// For people: printable ASCII and printable UTF-8 as they are; a backslash as
// "\\"; every other byte (not UTF-8, ASCII controls, DEL, UTF-8-encoded C1
// controls) as "\xHH". Injective, so two names never show alike, and
// unescape_name reverses it.
std::string escape_name(std::string_view bytes);
std::optional<std::string> unescape_name(std::string_view text);

std::string hex_bytes(std::string_view bytes);
// Lowercase hex only; nullopt for anything else (odd length, uppercase, ...).
std::optional<std::string> bytes_from_hex(std::string_view hex);

// The name as a JSON string where no _hex field can go beside it (a list of
// names): itself when UTF-8, else escape_name's text, which is unambiguous
// only together with the document's lossless field for the same name.
std::string json_plain_name(std::string_view name);

// object[key] = the name, plus object[key + "_hex"] when it is not UTF-8.
void put_name(nlohmann::json& object, const std::string& key, std::string_view name);
void put_name(nlohmann::ordered_json& object, const std::string& key, std::string_view name);

// The name that put_name wrote under key; `where` names the object in the
// error (pmxsnap::Error "<where>: ...") when the fields are missing, of the
// wrong type or inconsistent.
std::string name_from_json(const nlohmann::json& object, const std::string& key,
                           std::string_view where);

// Checks a plain/_hex pair as read from a document (key names the plain
// field in the message): nullopt when it is consistent, and then *name holds
// the name; else the problem, e.g. "path and path_hex disagree".
std::optional<std::string> name_problem(std::string_view key, const std::string& plain,
                                        const std::optional<std::string>& hex, std::string* name);

} // namespace pmxsnap
