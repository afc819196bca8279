#include "server/data_dir.hpp"

#include "core/resources/key_codec.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "actors/node_services.hpp"
#include "core/api/account_book.hpp"

namespace integrator {

namespace fs = std::filesystem;

namespace {

std::string read_trimmed(const std::string& path) {
  std::ifstream f(path);
  std::stringstream buf;
  buf << f.rdbuf();
  auto s = buf.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

// Writes `text` to `path` with mode 0600, atomically (temp file + rename).
void write_private(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write " + path);
  ::chmod(path.c_str(), 0600);
}

}  // namespace

void data_dir::prepare() {
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec)
    throw std::runtime_error("cannot create data directory " + path_ + ": " + ec.message());
  ::chmod(path_.c_str(), 0700);
}

secret_box::key_type data_dir::master_key(const std::string& configured) {
  if (!configured.empty()) {
    auto key = secret_box::key_from_hex(configured);
    if (!key)
      throw std::runtime_error("the configured master key must be 64 hex digits");
    return *key;
  }
  auto path = path_ + "/master.key";
  if (!fs::exists(path))
    write_private(path, random_hex(32));
  auto key = secret_box::key_from_hex(read_trimmed(path));
  if (!key)
    throw std::runtime_error(path + " must hold 64 hex digits");
  return *key;
}

std::string data_dir::operator_token() {
  auto path = operator_token_path();
  if (!fs::exists(path))
    write_private(path, random_hex(16));
  auto token = read_trimmed(path);
  if (token.size() < 16)
    throw std::runtime_error(path + " holds no usable token");
  return token;
}

void data_dir::ensure_initial_account(document_store& store) {
  account_book book(make_id_generator());
  book.load(store);
  if (!book.empty())
    return;
  write_batch batch;
  std::string body, id;
  auto err = book.create_account(
    boost::json::object{{"name", "Default account"}, {"email", "admin@localhost"}}, wall_clock_ms(),
    batch, body, id);
  if (err)
    throw std::runtime_error("cannot create the first account: " + err.message);
  auto token = std::string(boost::json::parse(body).at("token").as_string());
  // Nodes of a cluster may start together on an empty database: only one
  // makes the first account.
  batch.expect(keys::meta_space, "first_account", std::nullopt);
  batch.put(keys::meta_space, "first_account", id);
  // The token file first: if we die between the two, the next start retries.
  write_private(initial_token_path(), token);
  try {
    store.write(batch);
  } catch (const store_failure& e) {
    fs::remove(initial_token_path());
    if (e.why != store_failure::cause::conflict)
      throw;
  }
}

void data_dir::write_endpoint(const std::string& host_port) {
  write_private(path_ + "/endpoint", host_port);
}

}  // namespace integrator
