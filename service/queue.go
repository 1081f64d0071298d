package main

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// queue is the part of *river.Client the service uses. River's client is
// generic over the driver's transaction type (*sql.Tx for SQLite, pgx.Tx
// for PostgreSQL); both satisfy this.
type queue interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// queueFactory builds River clients and migrators on one driver.
type queueFactory struct {
	migrate   func(ctx context.Context) error
	newClient func(cfg *river.Config) (queue, error)
	// notifies is true when the database has LISTEN/NOTIFY (PostgreSQL):
	// workers then hear of new jobs at once instead of polling.
	notifies bool
}

func riverFactory[TTx any](driver riverdriver.Driver[TTx], notifies bool) queueFactory {
	return queueFactory{
		migrate: func(ctx context.Context) error {
			m, err := rivermigrate.New(driver, nil)
			if err != nil {
				return err
			}
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
			return err
		},
		newClient: func(cfg *river.Config) (queue, error) {
			return river.NewClient(driver, cfg)
		},
		notifies: notifies,
	}
}
