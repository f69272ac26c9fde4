package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
)

// lazyTx is a transaction on one pooled connection that costs no round trip of its own: BEGIN
// goes out in the same pipeline as the transaction's first statement, and the writes queued
// with Later go out in the same pipeline as COMMIT. A use case that reads, decides and writes
// is then two round trips, whatever it reads and writes.
type lazyTx struct {
	conn  *pgxpool.Conn
	begin string     // the BEGIN statement, until it is sent with the first statement
	sent  bool       // BEGIN has gone out: the transaction must end with COMMIT or ROLLBACK
	queue *pgx.Batch // writes sent with the commit
}

// runLazy runs f in a lazyTx begun with begin, committed when f returns nil. f's own error is
// returned as it is; an error beginning, committing or in a queued write is translated.
func (s *Store) runLazy(ctx context.Context, begin string, f func(app.Tx) error) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return translate(err, "transaction")
	}
	t := &lazyTx{conn: conn, begin: begin}
	defer func() {
		if t.sent {
			// Still open: f failed or panicked, or the commit did not go through. A connection
			// left inside a transaction is destroyed by Release rather than reused.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			conn.Exec(rctx, "ROLLBACK")
			cancel()
		}
		conn.Release()
	}()
	if err := f(tx{t}); err != nil {
		return err
	}
	return translate(t.commit(ctx), "commit")
}

// errCommitRolledBack is a COMMIT the server answered with ROLLBACK: a statement failed
// earlier in the transaction and its error was not returned.
var errCommitRolledBack = errors.New("the transaction was rolled back: a statement in it failed")

// commit sends the queued writes and COMMIT in one pipeline; with nothing sent and nothing
// queued there is nothing to commit.
func (t *lazyTx) commit(ctx context.Context) error {
	if !t.sent && t.queue == nil {
		return nil
	}
	b := t.queue
	if b == nil {
		b = &pgx.Batch{}
	}
	t.queue = nil
	b.Queue("COMMIT").Exec(func(tag pgconn.CommandTag) error {
		if tag.String() == "ROLLBACK" {
			return errCommitRolledBack
		}
		return nil
	})
	if err := t.send(ctx, b).Close(); err != nil {
		return err
	}
	t.sent = false
	return nil
}

// send sends a batch, with BEGIN in front of it when it is the transaction's first. When
// BEGIN fails the server skips the rest of the pipeline, so every result of b is an error.
func (t *lazyTx) send(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if t.begin == "" {
		return t.conn.SendBatch(ctx, b)
	}
	first := &pgx.Batch{QueuedQueries: append([]*pgx.QueuedQuery{{SQL: t.begin}}, b.QueuedQueries...)}
	t.begin, t.sent = "", true
	br := t.conn.SendBatch(ctx, first)
	br.Exec()
	return br
}

// Exec runs a statement now.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begin == "" {
		return t.conn.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	br := t.send(ctx, b)
	tag, err := br.Exec()
	return tag, errors.Join(err, br.Close())
}

// Query runs a query now; its rows hold the connection until they are closed.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begin == "" {
		return t.conn.Query(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	br := t.send(ctx, b)
	rows, err := br.Query()
	return &batchRows{Rows: rows, br: br}, err
}

// QueryRow runs a query that returns one row, now.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begin == "" {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	rows, _ := t.Query(ctx, sql, args...)
	return firstRow{rows}
}

// SendBatch sends a batch now.
func (t *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return t.send(ctx, b)
}

// batchRows are the rows of a query sent in a batch of its own (behind BEGIN): closing them
// closes the batch.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.err = r.br.Close()
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// firstRow is the first of rows, as pgx.Conn.QueryRow gives it.
type firstRow struct{ rows pgx.Rows }

func (r firstRow) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		r.rows.Close()
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// failedBatch is a batch that was not sent: every result is err.
type failedBatch struct {
	pgx.BatchResults
	err error
}

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return errRows{err: f.err}, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return errRow{f.err} }
func (f failedBatch) Close() error                     { return f.err }

// queued is the querier of Tx.Later: its statements are queued to go out with the commit.
// Only Exec can be queued, since nothing is read back before the commit.
type queued struct{ t *lazyTx }

var errQueuedRead = errors.New("postgres: a query in writes queued for the commit: only statements without results can wait for it")

func (q queued) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if q.t.queue == nil {
		q.t.queue = &pgx.Batch{}
	}
	q.t.queue.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

func (q queued) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return errRows{err: errQueuedRead}, errQueuedRead
}

func (q queued) QueryRow(context.Context, string, ...any) pgx.Row { return errRow{errQueuedRead} }

func (q queued) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults {
	return failedBatch{err: errQueuedRead}
}

// Later runs f with its statements queued to go out with the commit, in the same round trip;
// outside a lazy transaction (Lookup) they run at once.
func (t tx) Later(f func(app.Tx) error) error {
	if lt, ok := t.q.(*lazyTx); ok {
		return f(tx{queued{lt}})
	}
	return f(t)
}

// errRows and errRow carry one error, as pgx's own do.
type errRows struct {
	pgx.Rows
	err error
}

func (errRows) Close()                                       {}
func (e errRows) Err() error                                 { return e.err }
func (errRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (errRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (errRows) Next() bool                                   { return false }
func (e errRows) Scan(...any) error                          { return e.err }
func (e errRows) Values() ([]any, error)                     { return nil, e.err }
func (errRows) RawValues() [][]byte                          { return nil }

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

// beginRead and beginUpdate open the transactions of Store.Read and Store.Update.
const (
	beginRead   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	beginUpdate = "BEGIN"
)
