#include <mysql.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "pd/store/connection.h"
#include "session.h"

namespace pd::store {
namespace {

// Column types whose text can be long; the others fit in a small buffer.
bool is_variable_length(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
    case MYSQL_TYPE_JSON:
    case MYSQL_TYPE_GEOMETRY:
    case MYSQL_TYPE_BIT:
      return true;
    default:
      return false;
  }
}

constexpr unsigned long kSmallCell = 64;

MYSQL_TIME to_mysql_time(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{t - day};
  MYSQL_TIME mt{};
  mt.year = static_cast<unsigned>(int(ymd.year()));
  mt.month = unsigned(ymd.month());
  mt.day = unsigned(ymd.day());
  mt.hour = static_cast<unsigned>(hms.hours().count());
  mt.minute = static_cast<unsigned>(hms.minutes().count());
  mt.second = static_cast<unsigned>(hms.seconds().count());
  mt.second_part = static_cast<unsigned long>(hms.subseconds().count()) * 1000;
  mt.time_type = MYSQL_TIMESTAMP_DATETIME;
  return mt;
}

template <class T>
T parse_number(std::string_view s) {
  T value{};
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

}  // namespace

std::string_view Row::str(std::size_t i) const {
  const auto& cell = cells_.at(i);
  return cell ? std::string_view(*cell) : std::string_view{};
}
std::int64_t Row::i64(std::size_t i) const {
  return parse_number<std::int64_t>(str(i));
}
std::uint64_t Row::u64(std::size_t i) const {
  return parse_number<std::uint64_t>(str(i));
}
double Row::f64(std::size_t i) const {
  return parse_number<double>(str(i));
}
std::optional<TimePoint> Row::time(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return parse_datetime(str(i));
}

Statement::Statement(Statement&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) mysql_stmt_close(stmt_);
    session_ = std::exchange(other.session_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_ != nullptr) mysql_stmt_close(stmt_);
}

unsigned Statement::param_count() const {
  return mysql_stmt_param_count(stmt_);
}

std::uint64_t Statement::insert_id() const {
  return mysql_stmt_insert_id(stmt_);
}

pd::Status Statement::bind_and_run(std::span<const Param> params) {
  if (session_->broken) return pd::fail(session_->broken_error());
  const unsigned expected = mysql_stmt_param_count(stmt_);
  if (params.size() != expected)
    return pd::fail(pd::Error::invalid("statement expects " + std::to_string(expected) +
                                       " parameters, got " + std::to_string(params.size())));
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<long long> ints(params.size());
  std::vector<double> doubles(params.size());
  std::vector<MYSQL_TIME> times(params.size());
  std::vector<unsigned long> lengths(params.size());
  static char empty_text[1] = {0};
  for (std::size_t i = 0; i < params.size(); ++i) {
    MYSQL_BIND& b = binds[i];
    std::memset(&b, 0, sizeof b);
    const Param& p = params[i];
    switch (p.kind()) {
      case Param::Kind::kNull:
        b.buffer_type = MYSQL_TYPE_NULL;
        break;
      case Param::Kind::kInt:
        ints[i] = p.int_value();
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
        break;
      case Param::Kind::kUint:
        ints[i] = static_cast<long long>(p.uint_value());
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[i];
        b.is_unsigned = 1;
        break;
      case Param::Kind::kDouble:
        doubles[i] = p.double_value();
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &doubles[i];
        break;
      case Param::Kind::kText:
        lengths[i] = p.text().size();
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = p.text().empty() ? empty_text : const_cast<char*>(p.text().data());
        b.buffer_length = lengths[i];
        b.length = &lengths[i];
        break;
      case Param::Kind::kTime:
        times[i] = to_mysql_time(p.time());
        b.buffer_type = MYSQL_TYPE_DATETIME;
        b.buffer = &times[i];
        b.buffer_length = sizeof(MYSQL_TIME);
        break;
    }
  }
  if (!binds.empty() && mysql_stmt_bind_param(stmt_, binds.data()) != 0)
    return pd::fail(session_->statement_error(stmt_, "binding parameters"));
  if (mysql_stmt_execute(stmt_) != 0)
    return pd::fail(session_->statement_error(stmt_, "executing a statement"));
  return {};
}

pd::Result<std::uint64_t> Statement::execute(std::span<const Param> params) {
  if (auto st = bind_and_run(params); !st) return pd::fail(st.error());
  std::uint64_t affected = mysql_stmt_affected_rows(stmt_);
  // A statement that happened to return rows: drain them so the session stays
  // in sync.
  if (mysql_stmt_field_count(stmt_) > 0) mysql_stmt_free_result(stmt_);
  return affected == static_cast<std::uint64_t>(-1) ? 0 : affected;
}

pd::Result<Rows> Statement::query(std::span<const Param> params) {
  if (auto st = bind_and_run(params); !st) return pd::fail(st.error());
  Rows out;
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
  if (meta == nullptr) return out;  // not a query: no rows
  struct MetaGuard {
    MYSQL_RES* r;
    ~MetaGuard() { mysql_free_result(r); }
  } meta_guard{meta};

  if (mysql_stmt_store_result(stmt_) != 0)
    return pd::fail(session_->statement_error(stmt_, "reading a result"));
  struct ResultGuard {
    MYSQL_STMT* s;
    ~ResultGuard() { mysql_stmt_free_result(s); }
  } result_guard{stmt_};

  const unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  std::vector<MYSQL_BIND> binds(n);
  std::vector<std::string> buffers(n);
  std::vector<unsigned long> lengths(n);
  std::vector<my_bool> nulls(n), errors(n);
  std::vector<double> doubles(n);
  for (unsigned i = 0; i < n; ++i) {
    out.columns.emplace_back(fields[i].name, fields[i].name_length);
    if (fields[i].type == MYSQL_TYPE_DOUBLE || fields[i].type == MYSQL_TYPE_FLOAT) {
      // The connector's own double-to-text conversion follows the column's
      // declared decimals and can print "0." for a small value: fetch the
      // number and print it here.
      std::memset(&binds[i], 0, sizeof binds[i]);
      binds[i].buffer_type = MYSQL_TYPE_DOUBLE;
      binds[i].buffer = &doubles[i];
      binds[i].buffer_length = sizeof(double);
      binds[i].length = &lengths[i];
      binds[i].is_null = &nulls[i];
      binds[i].error = &errors[i];
      continue;
    }
    unsigned long size = is_variable_length(fields[i].type)
                             ? std::max<unsigned long>(fields[i].max_length, 1)
                             : kSmallCell;
    buffers[i].resize(size);
    std::memset(&binds[i], 0, sizeof binds[i]);
    binds[i].buffer_type = MYSQL_TYPE_STRING;
    binds[i].buffer = buffers[i].data();
    binds[i].buffer_length = size;
    binds[i].length = &lengths[i];
    binds[i].is_null = &nulls[i];
    binds[i].error = &errors[i];
  }
  if (n > 0 && mysql_stmt_bind_result(stmt_, binds.data()) != 0)
    return pd::fail(session_->statement_error(stmt_, "binding results"));

  out.rows.reserve(mysql_stmt_num_rows(stmt_));
  while (true) {
    int rc = mysql_stmt_fetch(stmt_);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) return pd::fail(session_->statement_error(stmt_, "fetching a row"));
    std::vector<std::optional<std::string>> cells(n);
    for (unsigned i = 0; i < n; ++i) {
      if (nulls[i]) continue;
      if (binds[i].buffer_type == MYSQL_TYPE_DOUBLE) {
        char text[32];
        auto [end, ec] = std::to_chars(text, text + sizeof text, doubles[i]);
        cells[i].emplace(text, ec == std::errc{} ? end : text);
        continue;
      }
      if (lengths[i] <= binds[i].buffer_length) {
        cells[i].emplace(buffers[i].data(), lengths[i]);
        continue;
      }
      // Longer than max_length promised (or a converted value): fetch the
      // cell again into a buffer of its real size.
      std::string big(lengths[i], '\0');
      MYSQL_BIND one{};
      unsigned long got = 0;
      one.buffer_type = MYSQL_TYPE_STRING;
      one.buffer = big.data();
      one.buffer_length = big.size();
      one.length = &got;
      if (mysql_stmt_fetch_column(stmt_, &one, i, 0) != 0)
        return pd::fail(session_->statement_error(stmt_, "fetching a long cell"));
      big.resize(std::min<unsigned long>(got, big.size()));
      cells[i] = std::move(big);
    }
    out.rows.emplace_back(std::move(cells));
  }
  return out;
}

}  // namespace pd::store
