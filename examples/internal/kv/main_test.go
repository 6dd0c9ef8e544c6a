package kv_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(patch.TestingM(m)) }
