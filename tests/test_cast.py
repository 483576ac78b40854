def test_the_cast_builds(cast):
    assert cast.alice.manager == cast.mia
    assert cast.cora_coaches_max.is_coaching
    assert not cast.max_mentors_alice.is_coaching
    assert not cast.olivia_mentored_alice.is_active
