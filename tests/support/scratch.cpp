#include "scratch.hpp"

#include "pmxsnap/util/atomic_file.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace pmxsnap::test {

Scratch::Scratch()
    : failures_at_start_(failed_assertions()) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/pmxsnap-test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a scratch directory");
    path_ = pattern;
}

Scratch::~Scratch() {
    if (failed_assertions() != failures_at_start_) {
        std::fprintf(stderr, "scratch directory kept for inspection: %s\n", path_.c_str());
        return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void put_file(const std::filesystem::path& path, const std::string& text, unsigned mode) {
    std::filesystem::create_directories(path.parent_path());
    AtomicFile file(path, mode);
    file.write(text);
    file.commit();
}

} // namespace pmxsnap::test
