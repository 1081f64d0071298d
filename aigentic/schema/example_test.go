package schema_test

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// The keywords beyond a description come from the `jsonschema` tag.
func ExampleFor() {
	type shipment struct {
		SKU     string  `json:"sku" description:"The product SKU, like ABC-123." jsonschema:"pattern=^[A-Z]{3}-[0-9]{3}$"`
		Carrier string  `json:"carrier" jsonschema:"enum=ups,enum=dhl"`
		Day     string  `json:"day" jsonschema:"format=date"`
		Kg      float64 `json:"kg" jsonschema:"minimum=0.1,maximum=30"`
		Note    string  `json:"note,omitempty"`
	}
	m, err := schema.For(reflect.TypeOf(shipment{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "additionalProperties": false,
	//   "properties": {
	//     "carrier": {
	//       "enum": [
	//         "ups",
	//         "dhl"
	//       ],
	//       "type": "string"
	//     },
	//     "day": {
	//       "format": "date",
	//       "type": "string"
	//     },
	//     "kg": {
	//       "maximum": 30,
	//       "minimum": 0.1,
	//       "type": "number"
	//     },
	//     "note": {
	//       "type": "string"
	//     },
	//     "sku": {
	//       "description": "The product SKU, like ABC-123.",
	//       "pattern": "^[A-Z]{3}-[0-9]{3}$",
	//       "type": "string"
	//     }
	//   },
	//   "required": [
	//     "sku",
	//     "carrier",
	//     "day",
	//     "kg"
	//   ],
	//   "type": "object"
	// }
}
