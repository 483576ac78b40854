"""Writes that span models: plain, keyword-only functions named <entity>_<verb>.

Each area has its module (feedback, goals, check-ins, learning, notifications);
views call these and nothing else writes.
"""
