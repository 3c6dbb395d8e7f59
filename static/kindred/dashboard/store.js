// The dashboard's state, in one place: the open queue items, their list nodes, the
// item being looked at. Views read it and change it through these helpers.

/** What the dashboard knows; every module reads the same object. */
export const store = {
  items: new Map(), // id -> queue item (only open and claimed ones)
  nodes: new Map(), // id -> its <li> in the queue list
  selected: null, // the id of the item shown in detail
};

/** The selected item, if it is still in the queue. */
export function selectedItem() {
  return store.items.get(store.selected) || null;
}


