#include "pmxsnap/util/temp_dir.hpp"

#include "pmxsnap/util/error.hpp"

#include <cerrno>
#include <cstdlib>

namespace pmxsnap {

TempDir::TempDir(const fs::path& parent) {
    fs::path base = parent;
    if (base.empty()) {
        const char* tmpdir = std::getenv("TMPDIR");
        base = tmpdir && *tmpdir ? tmpdir : "/tmp";
    }
    std::string pattern = (base / "pmxsnap.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        fail("{}: cannot create a temporary directory: {}", base.string(), errno_text(errno));
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

} // namespace pmxsnap
