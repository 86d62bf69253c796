// MANIFEST.json's field access for the small part of the document that
// becomes a DOM: each accessor names the field when the input is not what it
// claims. Private to lib/archive.
#pragma once

#include "pmxsnap/util/error.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace pmxsnap::archive::detail {

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

// An octal permission mode as MANIFEST.json spells it ("0640").
unsigned parse_mode(const std::string& text, const std::string& where);

} // namespace pmxsnap::archive::detail
