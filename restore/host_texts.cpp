#include "host_texts.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/pveconfig/secrets.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/text_diff.hpp"

namespace pmxsnap::restore {
namespace {

class KeepHostFiles : public archive::MemberHandler {
  public:
    bool wants(const archive::Member& m) override {
        return !m.is_directory && m.path.starts_with(archive::host_prefix);
    }
    void begin(const archive::Member& m) override { current_ = &texts[m.path]; }
    void data(std::string_view chunk) override { current_->append(chunk); }
    std::map<std::string, std::string> texts; // by member path

  private:
    std::string* current_ = nullptr;
};

// A file on this root larger than any archived one is not read whole.
constexpr std::uint64_t largest_shown = 4u << 20;

} // namespace

std::map<std::string, std::string> read_host_texts(const KeptMembers& members) {
    KeepHostFiles keep;
    members.replay(keep);
    std::map<std::string, std::string> out;
    for (auto& [member, text] : keep.texts)
        out[archive::host_path_of_member(member)] = std::move(text);
    return out;
}

std::vector<FileDiff> diffs_of(const std::map<std::string, std::string>& texts,
                               const std::map<std::string, fs::path>& install) {
    std::vector<FileDiff> out;
    for (const auto& [member, target] : install) {
        auto path = archive::host_path_of_member(member);
        const auto& archived = texts.at(path);
        FileDiff diff{target, {}, {}};
        std::optional<std::string> now;
        try {
            now = read_file_if_exists(target, largest_shown);
        } catch (const Error& e) {
            diff.note = e.what();
            out.push_back(std::move(diff));
            continue;
        }
        if (!now)
            diff.note = "new file";
        if (pveconfig::is_secret_file(member)) {
            diff.note = now && *now == archived ? "identical" : "secret: content not shown";
        } else if (looks_binary(archived) || (now && looks_binary(*now))) {
            diff.note = now && *now == archived ? "identical" : "binary files differ";
        } else {
            diff.unified = unified_diff(pveconfig::mask_secret_values(now.value_or("")),
                                        pveconfig::mask_secret_values(archived), path);
            if (diff.unified.empty() && now)
                diff.note = "identical";
        }
        out.push_back(std::move(diff));
    }
    return out;
}

} // namespace pmxsnap::restore
