#include "pmxsnap/crypto/age_header.hpp"

#include "base64_lines.hpp"

namespace pmxsnap::crypto {
namespace {

constexpr std::size_t body_columns = 64;

template <typename... Args>
[[noreturn]] void malformed(fmt::format_string<Args...> format, Args&&... args) {
    throw AgeMalformed("malformed age header: " + fmt::format(format, std::forward<Args>(args)...));
}

std::vector<std::uint8_t> decode(std::string_view text, const char* what) {
    auto bytes = detail::decode_base64_unpadded(text);
    if (!bytes)
        malformed("{} is not canonical unpadded base64", what);
    return std::move(*bytes);
}

bool is_argument(std::string_view text) {
    if (text.empty())
        return false;
    for (char c : text)
        if (c < 33 || c > 126)
            return false;
    return true;
}

std::vector<std::string> split_arguments(std::string_view line) {
    std::vector<std::string> out;
    for (;;) {
        auto space = line.find(' ');
        auto argument = line.substr(0, space);
        if (!is_argument(argument))
            malformed("a stanza argument is empty or not printable ASCII");
        out.emplace_back(argument);
        if (space == std::string_view::npos)
            return out;
        line.remove_prefix(space + 1);
    }
}

class Lines {
  public:
    explicit Lines(std::string_view text)
        : rest_(text) {}
    std::string_view next() {
        auto newline = rest_.find('\n');
        if (newline == std::string_view::npos)
            malformed("a line does not end");
        auto line = rest_.substr(0, newline);
        rest_.remove_prefix(newline + 1);
        return line;
    }
    bool done() const { return rest_.empty(); }

  private:
    std::string_view rest_;
};

AgeStanza parse_stanza(std::string_view first_line, Lines& lines) {
    AgeStanza stanza;
    stanza.arguments = split_arguments(first_line.substr(3));
    std::string body_text;
    for (;;) {
        auto line = lines.next();
        if (line.size() > body_columns)
            malformed("a stanza body line is longer than {} columns", body_columns);
        body_text += line;
        if (line.size() < body_columns)
            break;
    }
    stanza.body = decode(body_text, "a stanza body");
    return stanza;
}

} // namespace

std::string format_age_header_for_mac(const std::vector<AgeStanza>& stanzas) {
    std::string out(age_version_line);
    out += '\n';
    for (const auto& stanza : stanzas) {
        out += "->";
        for (const auto& argument : stanza.arguments)
            out += " " + argument;
        out += '\n';
        auto body = detail::encode_base64_unpadded(stanza.body);
        for (std::size_t at = 0; at <= body.size(); at += body_columns)
            out += body.substr(at, body_columns) + "\n";
    }
    return out + "---";
}

std::string format_age_header(const AgeHeader& header) {
    return format_age_header_for_mac(header.stanzas) + " " +
           detail::encode_base64_unpadded(header.mac) + "\n";
}

std::optional<std::size_t> age_header_length(std::string_view text) {
    auto prefix = std::string(age_version_line) + "\n";
    if (!text.starts_with(std::string_view(prefix).substr(0, std::min(text.size(), prefix.size()))))
        malformed("the file does not start with '{}'", age_version_line);
    for (std::size_t at = 0;;) {
        auto newline = text.find('\n', at);
        if (newline == std::string_view::npos)
            return std::nullopt;
        if (text.substr(at).starts_with("---"))
            return newline + 1;
        at = newline + 1;
    }
}

AgeHeader parse_age_header(std::string_view header_text) {
    Lines lines(header_text);
    if (lines.next() != age_version_line)
        malformed("the first line is not '{}'", age_version_line);
    AgeHeader header;
    for (;;) {
        auto line = lines.next();
        if (line.starts_with("-> ")) {
            header.stanzas.push_back(parse_stanza(line, lines));
        } else if (line.starts_with("--- ")) {
            auto mac = decode(line.substr(4), "the header MAC");
            if (mac.size() != header.mac.size())
                malformed("the header MAC is {} bytes, not {}", mac.size(), header.mac.size());
            std::copy(mac.begin(), mac.end(), header.mac.begin());
            break;
        } else {
            malformed("a line is neither a stanza nor the MAC");
        }
    }
    if (!lines.done())
        malformed("bytes after the MAC line");
    if (header.stanzas.empty())
        malformed("no recipient stanzas");
    return header;
}

} // namespace pmxsnap::crypto
