#include "pmxsnap/util/metrics_file.hpp"

#include "pmxsnap/util/atomic_file.hpp"

#include <fmt/format.h>

namespace pmxsnap {
namespace {

// The exposition format's label value escapes: backslash, quote, newline.
std::string escaped(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c == '\n' ? std::string("\\n") : std::string(1, c);
    }
    return out;
}

std::string label_text(const MetricsFile::Labels& labels) {
    if (labels.empty())
        return "";
    std::string out = "{";
    for (const auto& [key, value] : labels)
        out += fmt::format("{}{}=\"{}\"", out.size() > 1 ? "," : "", key, escaped(value));
    return out + "}";
}

} // namespace

void MetricsFile::gauge(const std::string& name, const std::string& help, double value,
                        const Labels& labels) {
    samples_.push_back({name, help, value, labels});
}

std::string MetricsFile::text() const {
    std::string out;
    for (const auto& s : samples_) {
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", s.name, s.help, s.name);
        out += fmt::format("{}{} {}\n", s.name, label_text(s.labels), s.value);
    }
    return out;
}

void MetricsFile::write(const fs::path& path) const {
    AtomicFile file(path, 0644);
    file.write(text());
    file.commit();
}

} // namespace pmxsnap
