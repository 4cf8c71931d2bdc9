"""AO3 page → :class:`~ao3conv.model.Work` (lxml). Filled in by the parser work."""
