// Template names are plain names, and a template resolves inside the template folder after every
// symbolic link is followed (issue 17, item 1).
#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/print/template_path.hpp"
#include "tests/support/process.hpp"

namespace wedge::print {
namespace {

namespace fs = std::filesystem;

TEST(TemplateName, PlainNamesOnly) {
  for (const char* good : {"shipping", "dhl-parcel", "DHL_Express.v2", "9"})
    EXPECT_TRUE(is_template_name(good)) << good;
  EXPECT_TRUE(is_template_name(std::string(64, 'a')));
  for (const char* bad : {"", "../evil", "/etc/passwd", "a/b", "..", "a..b", ".hidden", "-x", "_x", "a b",
                          "a\\b", "t\xc3\xa9", "a\nb"})
    EXPECT_FALSE(is_template_name(bad)) << bad;
  EXPECT_FALSE(is_template_name(std::string(65, 'a')));
}

class TemplatePathTest : public ::testing::Test {
 protected:
  TemplatePathTest() {
    fs::create_directories(dir_.file("templates/sub"));
    test::write_file(dir_.file("templates/shipping.zpl"), "^XA^XZ");
    test::write_file(dir_.file("templates/sub/inner.zpl"), "^XA^XZ");
    test::write_file(dir_.file("evil.zpl"), "~JR");
  }
  std::string folder() const { return dir_.file("templates"); }
  test::TempDir dir_;
};

TEST_F(TemplatePathTest, ThePlainNameResolvesToItsFileInTheFolder) {
  const auto found = resolve_template_path(folder(), "shipping");
  ASSERT_TRUE(found) << found.reason();
  EXPECT_EQ(*found, fs::canonical(folder() + "/shipping.zpl").string());
}

TEST_F(TemplatePathTest, NamesThatArePathsAreRefusedBeforeTheFileSystemIsAsked) {
  for (const char* name : {"../evil", "/etc/passwd", "a/b", ""}) {
    const auto found = resolve_template_path(folder(), name);
    EXPECT_FALSE(found) << name;
    EXPECT_NE(found.reason().find("is not a plain name"), std::string::npos) << found.reason();
  }
}

TEST_F(TemplatePathTest, ALinkOutOfTheFolderIsRefused) {
  fs::create_symlink("../evil.zpl", folder() + "/escape.zpl");
  fs::create_symlink("/etc/passwd", folder() + "/passwd.zpl");
  for (const char* name : {"escape", "passwd"}) {
    const auto found = resolve_template_path(folder(), name);
    EXPECT_FALSE(found) << name;
    EXPECT_NE(found.reason().find("outside printing.template_dir"), std::string::npos) << found.reason();
  }
}

TEST_F(TemplatePathTest, LinksThatStayInsideAndALinkedFolderAreFollowed) {
  fs::create_symlink("shipping.zpl", folder() + "/alias.zpl");
  fs::create_symlink("sub/inner.zpl", folder() + "/inner.zpl");
  EXPECT_TRUE(resolve_template_path(folder(), "alias"));
  EXPECT_TRUE(resolve_template_path(folder(), "inner"));
  // /etc/wedge/templates may itself be a link (to a versioned folder): its real path is the folder.
  fs::create_directory_symlink(folder(), dir_.file("current"));
  const auto via_link = resolve_template_path(dir_.file("current"), "shipping");
  ASSERT_TRUE(via_link) << via_link.reason();
  EXPECT_EQ(*via_link, fs::canonical(folder() + "/shipping.zpl").string());
}

TEST_F(TemplatePathTest, AMissingTemplateOrFolderSaysWhich) {
  const auto missing = resolve_template_path(folder(), "nope");
  EXPECT_NE(missing.reason().find("nope.zpl"), std::string::npos) << missing.reason();
  const auto no_folder = resolve_template_path(dir_.file("absent"), "shipping");
  EXPECT_NE(no_folder.reason().find("template folder"), std::string::npos) << no_folder.reason();
}

}  // namespace
}  // namespace wedge::print
