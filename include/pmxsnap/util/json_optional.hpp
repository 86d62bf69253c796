// A value that may be absent, as JSON: the value, or null. One spelling for
// every document pmxsnap writes (nlohmann 3.11 of Debian 12 has no
// std::optional conversion of its own).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace pmxsnap {

template <typename Json = nlohmann::json, typename T>
Json json_or_null(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

// Text that is empty where it does not apply (no key, no signer): null then.
template <typename Json = nlohmann::json>
Json text_or_null(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

} // namespace pmxsnap
