#include "error_document.hpp"

#include "pmxsnap/util/json_optional.hpp"

namespace pmxsnap::cli {

nlohmann::json error_document(const std::string& command, const std::string& message,
                              ExitCode code) {
    // Messages name the thing first ("<path or value>: <why>"); one without
    // that shape is all "why".
    auto separator = message.find(": ");
    std::string what = separator == std::string::npos ? "" : message.substr(0, separator);
    std::string why = separator == std::string::npos ? message : message.substr(separator + 2);
    return {{"schema", "pmxsnap.error/1"},
            {"command", text_or_null(command)},
            {"error", {{"what", what}, {"why", why}, {"message", message}}},
            {"exit", static_cast<int>(code)}};
}

} // namespace pmxsnap::cli
