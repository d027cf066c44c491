// en messages for the media pages.
export default {
};
