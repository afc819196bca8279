#include "storage/rocks_store.hpp"

#include <sys/statvfs.h>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <vector>

#include "core/resources/key_codec.hpp"
#include "core/resources/resource_kind.hpp"

namespace integrator {

namespace {

void check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok())
    throw store_failure(what + ": " + s.ToString());
}

}  // namespace

struct rocks_store::impl {
  std::string dir;
  std::uint64_t disk_reserve = default_disk_reserve_bytes;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> by_name;
  std::mutex close_mutex;
  /// Held from checking a batch's expectations to its write (one node: no
  /// other process writes these keys).
  std::mutex expect_mutex;

  /// Less than disk_reserve_bytes free on the store's file system.
  bool low_on_space() const {
    struct statvfs fs {};
    return ::statvfs(dir.c_str(), &fs) == 0
           && static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < disk_reserve;
  }

  rocksdb::ColumnFamilyHandle* cf(std::string_view space) {
    auto it = by_name.find(space);
    if (it == by_name.end())
      throw store_failure("unknown storage space " + std::string(space));
    return it->second;
  }
};

rocks_store::rocks_store(const std::string& dir, std::uint64_t disk_reserve)
  : impl_(std::make_unique<impl>()) {
  impl_->dir = dir;
  impl_->disk_reserve = disk_reserve;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.keep_log_file_num = 3;
  // Every write is synced to the log, so a stop need not flush memtables
  // into tables: the next open replays the log. Flushing at stop is what
  // aborted integratord on a full disk (an assertion in Debian's RocksDB).
  options.avoid_flush_during_shutdown = true;
  rocksdb::ColumnFamilyOptions cf_options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.write_buffer_size = 8 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  auto names = keys::all_spaces();
  // Jobs rewrite small documents at every page boundary of every run: a
  // small memtable flushes them early, so a long run does not grow the
  // server's memory by a memtable's worth.
  rocksdb::ColumnFamilyOptions engine_options = cf_options;
  engine_options.write_buffer_size = 1 << 20;
  engine_options.max_write_buffer_number = 2;
  for (const auto& n : names) {
    bool engine = n == keys::jobs_space || n == keys::job_errors_space || n == keys::retry_data_space
                  || n == keys::export_marks_space || n == keys::job_checkpoints_space;
    descriptors.emplace_back(n, engine ? engine_options : cf_options);
  }
  // Column families a newer build created must be opened too, or open fails.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(options, dir, &existing).ok())
    for (const auto& e : existing)
      if (e != rocksdb::kDefaultColumnFamilyName
          && std::find(names.begin(), names.end(), e) == names.end())
        descriptors.emplace_back(e, cf_options);
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(options, dir, descriptors, &impl_->handles, &raw),
        "cannot open the store at " + dir);
  impl_->db.reset(raw);
  for (size_t i = 0; i < descriptors.size(); ++i)
    impl_->by_name[descriptors[i].name] = impl_->handles[i];

  auto meta = impl_->cf(keys::meta_space);
  std::string version;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), meta, "format_version", &version);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    check(impl_->db->Put(wo, meta, "format_version", std::to_string(keys::store_format_version)),
          "cannot write the format version");
  } else {
    check(s, "cannot read the format version");
    if (std::atoi(version.c_str()) > keys::store_format_version) {
      close();
      throw store_failure("the store at " + dir + " has format version " + version
                          + ", newer than this integratord understands ("
                          + std::to_string(keys::store_format_version)
                          + "); run a newer integratord or restore a backup");
    }
  }
}

rocks_store::~rocks_store() {
  close();
}

void rocks_store::close() {
  std::lock_guard<std::mutex> guard(impl_->close_mutex);
  if (!impl_->db)
    return;
  if (impl_->low_on_space()) {
    // A flush that failed for want of space leaves a file writer that
    // Debian's RocksDB asserts on when the database closes (SIGABRT). Every
    // acknowledged write is synced in the log, which the next open replays:
    // leave the database unclosed rather than crash.
    std::cerr << "integratord: the disk under " << impl_->dir
              << " is nearly full; the store is left for its log to recover at the next start\n";
    impl_->handles.clear();
    impl_->by_name.clear();
    (void)impl_->db.release();  // deliberately not closed; the process is ending
    return;
  }
  for (auto* h : impl_->handles)
    impl_->db->DestroyColumnFamilyHandle(h);
  impl_->handles.clear();
  impl_->by_name.clear();
  impl_->db->Close();
  impl_->db.reset();
}

namespace {

rocksdb::ReadOptions read_options(bool memory_only) {
  rocksdb::ReadOptions o;
  if (memory_only)
    o.read_tier = rocksdb::kBlockCacheTier;
  return o;
}

void check_read(const rocksdb::Status& s, const char* what) {
  if (s.IsIncomplete())
    throw store_would_block(what);
  check(s, what);
}

std::optional<std::string> rocks_get(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                     std::string_view key, bool memory_only) {
  std::string value;
  auto s = db->Get(read_options(memory_only), cf, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound())
    return std::nullopt;
  check_read(s, "read failed");
  return value;
}

void rocks_scan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                const std::function<bool(std::string_view, std::string_view)>& visit,
                bool memory_only) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options(memory_only), cf));
  rocksdb::Slice p(prefix.data(), prefix.size());
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next())
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size())))
      break;
  check_read(it->status(), "scan failed");
}

}  // namespace

std::optional<std::string> rocks_store::get(std::string_view space, std::string_view key) {
  if (!impl_->db)
    throw store_failure("store is closed");
  return rocks_get(impl_->db.get(), impl_->cf(space), key, false);
}

void rocks_store::scan(std::string_view space, std::string_view prefix,
                       const std::function<bool(std::string_view, std::string_view)>& visit) {
  if (!impl_->db)
    throw store_failure("store is closed");
  rocks_scan(impl_->db.get(), impl_->cf(space), prefix, visit, false);
}

class rocks_store::memory_only final : public document_store {
public:
  explicit memory_only(rocks_store& owner) : owner_(owner) {}

  std::optional<std::string> get(std::string_view space, std::string_view key) override {
    auto& impl = *owner_.impl_;
    if (!impl.db)
      throw store_failure("store is closed");
    return rocks_get(impl.db.get(), impl.cf(space), key, true);
  }

  void scan(std::string_view space, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) override {
    auto& impl = *owner_.impl_;
    if (!impl.db)
      throw store_failure("store is closed");
    rocks_scan(impl.db.get(), impl.cf(space), prefix, visit, true);
  }

  void write(const write_batch&) override {
    throw store_would_block("a memory-only view cannot write");
  }

private:
  rocks_store& owner_;
};

std::shared_ptr<document_store> rocks_store::memory_view() {
  return std::make_shared<memory_only>(*this);
}

void rocks_store::write(const write_batch& batch) {
  if (!impl_->db)
    throw store_failure("store is closed");
  // RocksDB that runs out of space mid-write leaves its log writer in an
  // error state that Debian's build asserts on (SIGABRT) and refuses writes
  // until resumed. Refusing writes while the disk is nearly full keeps it
  // from getting there: nothing is written, the caller hears 507, and
  // writes work again as soon as space is freed.
  if (impl_->low_on_space())
    throw store_failure("write refused: less than " + std::to_string(impl_->disk_reserve >> 20)
                          + " MiB free under " + impl_->dir,
                        store_failure::cause::disk_full);
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops()) {
    auto* cf = impl_->cf(op.space);
    if (op.erase)
      wb.Delete(cf, op.key);
    else
      wb.Put(cf, op.key, op.value);
  }
  std::unique_lock<std::mutex> expecting(impl_->expect_mutex, std::defer_lock);
  if (!batch.expectations().empty()) {
    expecting.lock();
    for (const auto& e : batch.expectations()) {
      auto now = rocks_get(impl_->db.get(), impl_->cf(e.space), e.key, false);
      if (e.absent ? now.has_value() : (!now || *now != e.value))
        throw store_failure("write refused: " + e.space + " has moved on", store_failure::cause::conflict);
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = impl_->db->Write(wo, &wb);
  if (!s.ok() && impl_->db->Resume().ok()) {
    // After a write fails for want of space RocksDB refuses every write
    // until resumed (it stays read-only, even once space is back): resume
    // and try this one again. Nothing of the failed batch was applied.
    s = impl_->db->Write(wo, &wb);
  }
  if (s.IsNoSpace() || s.ToString().find("No space left") != std::string::npos)
    throw store_failure("write failed: " + s.ToString(), store_failure::cause::disk_full);
  check(s, "write failed");
}

}  // namespace integrator
